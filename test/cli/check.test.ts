import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cleanTemps,
  copyExample,
  ensureBuilt,
  parseFindings,
  registeredRules,
  runCli,
  tempDir,
  writeFiles,
  type JsonFinding,
} from './helpers';

function at(findings: JsonFinding[], rule: string, file: string, line: number, column: number): JsonFinding | undefined {
  return findings.find((f) => f.rule === rule && f.file === file && f.line === line && f.column === column);
}

describe('cli: check', function () {
  this.timeout(120_000);
  let ws: string;
  let findings: JsonFinding[];
  let status: number | null;

  before(function () {
    ensureBuilt();
    ws = copyExample();
    const r = runCli(['check', ws, '--format', 'json']);
    status = r.status;
    findings = parseFindings(r.stdout);
  });
  after(cleanTemps);

  it('reports install-outside-base at the package, 1-based and end-exclusive', function () {
    const f = at(findings, 'install-outside-base', 'docker/Dockerfile.web', 13, 5);
    assert.ok(f, JSON.stringify(findings, null, 1));
    assert.deepEqual(
      { endLine: f.endLine, endColumn: f.endColumn, severity: f.severity, fixable: f.fixable },
      { endLine: 13, endColumn: 9, severity: 'warning', fixable: true },
    );
    assert.match(f.message, /"curl"/);
    // The range is the word itself.
    const line = fs.readFileSync(path.join(ws, 'docker/Dockerfile.web'), 'utf8').split('\n')[f.line - 1]!;
    assert.equal(line.slice(f.column - 1, f.endColumn - 1), 'curl');
  });

  it("reports shared-volume-missing on celery_beat's volumes key", function () {
    const f = at(findings, 'shared-volume-missing', 'docker-compose.yml', 75, 5);
    assert.ok(f, JSON.stringify(findings.filter((x) => x.rule === 'shared-volume-missing')));
    assert.deepEqual([f.endLine, f.endColumn, f.severity, f.fixable], [75, 12, 'warning', true]);
    assert.match(f.message, /celery_beat/);
    assert.match(f.message, /ml_models_volume/);
  });

  it('reports obsolete-version-key on the version key, when the rule is registered', function () {
    const rule = registeredRules().find((r) => r.id === 'obsolete-version-key');
    const f = findings.find((x) => x.rule === 'obsolete-version-key');
    if (!rule) {
      assert.equal(f, undefined);
      return;
    }
    assert.ok(f);
    assert.deepEqual([f.file, f.line, f.column, f.endLine, f.endColumn], ['docker-compose.yml', 1, 1, 1, 8]);
  });

  it('uses the stable json shape, with forward-slash paths relative to the checked folder', function () {
    assert.ok(findings.length > 0);
    const rules = new Set(registeredRules().map((r) => r.id));
    for (const f of findings) {
      assert.deepEqual(Object.keys(f), [
        'file',
        'rule',
        'severity',
        'message',
        'line',
        'column',
        'endLine',
        'endColumn',
        'fixable',
      ]);
      assert.ok(
        !f.file.includes('\\') && !path.isAbsolute(f.file) && !f.file.startsWith('./') && !f.file.startsWith('../'),
        f.file,
      );
      assert.ok(fs.existsSync(path.join(ws, f.file)) || f.rule === 'build-path-not-found', f.file);
      assert.ok(rules.has(f.rule), f.rule);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity));
      assert.ok(f.line >= 1 && f.column >= 1);
      assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column));
    }
  });

  it('exits 1 when there are errors, 0 when only warnings remain', function () {
    assert.ok(findings.some((f) => f.severity === 'error'));
    assert.equal(status, 1);
    const errorRules = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
    const r = runCli(['check', ws, '--format', 'json', ...errorRules.flatMap((id) => ['--rule', `${id}=warning`])]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(parseFindings(r.stdout).every((f) => f.severity !== 'error'));
  });

  it('--max-warnings: 1 over the limit, 0 within it', function () {
    const errorRules = [...new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
    const quiet = errorRules.flatMap((id) => ['--rule', `${id}=off`]);
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    assert.ok(warnings > 0);
    assert.equal(runCli(['check', ws, ...quiet, '--max-warnings', String(warnings)]).status, 0);
    const over = runCli(['check', ws, ...quiet, '--max-warnings', String(warnings - 1)]);
    assert.equal(over.status, 1);
    assert.match(over.stdout, /too many warnings \(maximum: \d+\)/);
    // A negative number is no limit, as in ESLint. Before, -1 was a usage error either way it was written.
    for (const noLimit of [['--max-warnings', '-1'], ['--max-warnings=-1']]) {
      const r = runCli(['check', ws, ...quiet, ...noLimit]);
      assert.equal(r.status, 0, noLimit.join(' ') + r.stderr);
      assert.doesNotMatch(r.stdout, /too many warnings/);
    }
  });

  it('--timing prints the phases and every rule that ran to standard error, the report unchanged', function () {
    const r = runCli(['check', ws, '--format', 'json', '--timing']);
    assert.equal(r.status, status);
    assert.deepEqual(parseFindings(r.stdout), findings, 'the JSON report is the same');
    const lines = r.stderr.split('\n');
    assert.match(lines[0]!, /^Timing of .+ \(\d+ files\): [\d.]+ ms$/);
    for (const phase of ['reading and parsing', 'project (relating the files)', 'rules', 'other (caches, sorting)']) {
      assert.ok(
        lines.some((l) => new RegExp(`^  ${phase.replace(/[()]/g, '\\$&')} +[\\d.]+ ms +[\\d.]+%$`).test(l)),
        phase,
      );
    }
    // The collector's share of the same analysis, then its pauses by kind when there were any (a check of the
    // example has always made a few young-generation collections, but a bigger young generation could make none).
    const gcRow = lines.findIndex((l) => /^  of which, garbage collection +[\d.]+ ms +[\d.]+%$/.test(l));
    assert.ok(gcRow > 0, r.stderr);
    const gcMs = Number(/([\d.]+) ms/.exec(lines[gcRow]!)![1]);
    if (gcMs > 0 || lines[gcRow + 1] !== '') {
      assert.match(lines[gcRow + 1]!, /^ {4}\(\d+ [a-z -]+ [\d.]+ ms(, \d+ [a-z -]+ [\d.]+ ms)*\)$/);
    }
    // Every registered rule that checks a file of the example ran, with its number of runs.
    const rows = new Map(
      lines.flatMap((l) => {
        const m = /^  ([a-z-]+) +[\d.]+ +[\d.]+% +(\d+)$/.exec(l);
        return m ? [[m[1]!, Number(m[2])] as const] : [];
      }),
    );
    assert.equal(rows.get('install-outside-base'), 9, 'one run per Dockerfile of the example (with the inline one)');
    assert.equal(rows.get('shared-volume-missing'), 1, 'one run per compose file');
    assert.ok(rows.size >= 30, `${rows.size} rules listed`);
    assert.equal(runCli(['check', ws, '--format', 'json']).stderr, '', 'nothing on standard error without --timing');
  });

  it('--fix --timing adds up every analysis of the run and says how long the fixes took', function () {
    const dir = copyExample();
    const r = runCli(['check', dir, '--fix', '--format', 'json', '--timing']);
    const lines = r.stderr.split('\n');
    const header = lines.find((l) => l.startsWith('Timing of '));
    const m = /^Timing of .+ \(\d+ files; (\d+) analyses and the fixes between them\): [\d.]+ ms$/.exec(header ?? '');
    assert.ok(m, r.stderr);
    // At least one pass that fixes, one that finds nothing left to fix, and the analysis reported.
    const analyses = Number(m[1]);
    assert.ok(analyses >= 3, `${analyses} analyses`);
    assert.ok(
      lines.some((l) => /^  fixes \(computing, writing\) +[\d.]+ ms +[\d.]+%$/.test(l)),
      r.stderr,
    );
    // Rule runs are summed over the analyses: the reported one alone re-runs no rule (nothing changed).
    const installRuns = lines.map((l) => /^  install-outside-base +[\d.]+ +[\d.]+% +(\d+)$/.exec(l)).find(Boolean)?.[1];
    assert.ok(Number(installRuns) > 9, `install-outside-base ran ${installRuns} times`);
  });

  it('--rule ID=off silences a rule', function () {
    const r = runCli(['check', ws, '--format', 'json', '--rule', 'install-outside-base=off']);
    const after = parseFindings(r.stdout);
    assert.equal(after.filter((f) => f.rule === 'install-outside-base').length, 0);
    // Everything else stays, except the roadmap claims that counted install-outside-base, and the
    // parent item that names its sub-items not done (fewer of them now).
    const key = (f: JsonFinding): string => JSON.stringify(f);
    const counted = (f: JsonFinding): boolean => f.message.includes('install-outside-base') || f.message.includes(' not done: "');
    const others = findings.filter((f) => f.rule !== 'install-outside-base' && !counted(f));
    assert.deepEqual(after.filter((f) => !counted(f)).map(key), others.map(key));
  });

  it('--config FILE replaces the workspace config (YAML and JSON)', function () {
    const dir = tempDir();
    writeFiles(dir, {
      'a.yaml': 'rules:\n  install-outside-base: "off"\n',
      'b.json': '{"rules": {"shared-volume-missing": "error"}}',
    });
    const a = parseFindings(runCli(['check', ws, '--format', 'json', '--config', path.join(dir, 'a.yaml')]).stdout);
    assert.equal(a.filter((f) => f.rule === 'install-outside-base').length, 0);
    const b = parseFindings(runCli(['check', ws, '--format', 'json', '--config', path.join(dir, 'b.json')]).stdout);
    assert.ok(b.filter((f) => f.rule === 'shared-volume-missing').every((f) => f.severity === 'error'));
    assert.ok(b.some((f) => f.rule === 'shared-volume-missing'));
    // The workspace's own config is not read when --config is given.
    writeFiles(ws, { '.docker-modularity.json': '{"rules": {"no-such-rule": "off"}}' });
    try {
      assert.equal(runCli(['check', ws, '--config', path.join(dir, 'a.yaml'), '--format', 'json']).status, 1);
      assert.equal(runCli(['check', ws]).status, 2);
    } finally {
      fs.rmSync(path.join(ws, '.docker-modularity.json'));
    }
  });

  it('a file path checks its workspace (the current folder) and reports only that file', function () {
    const r = runCli(['check', 'docker/Dockerfile.web', '--format', 'json'], { cwd: ws });
    const only = parseFindings(r.stdout);
    assert.ok(only.length > 0);
    assert.ok(only.every((f) => f.file === 'docker/Dockerfile.web'));
    // Cross-file: the workspace's base Dockerfile is still what install-outside-base compares with.
    assert.deepEqual(
      only.map((f) => `${f.rule}@${f.line}:${f.column}`),
      findings.filter((f) => f.file === 'docker/Dockerfile.web').map((f) => `${f.rule}@${f.line}:${f.column}`),
    );
    assert.equal(r.status, 0);
  });

  it('a named file that is not checked is never silent: excluded, in a skipped folder, or not a file the engine reads', function () {
    const dir = tempDir();
    writeFiles(dir, {
      'docker/Dockerfile.web': 'FROM python:3.12-slim\n',
      'node_modules/x/Dockerfile': 'FROM python:3.12-slim\n',
      'notes.txt': 'hello\n',
      '.docker-modularity.json': JSON.stringify({ exclude: ['docker/**'] }),
    });
    const r = runCli(['check', 'docker/Dockerfile.web', 'node_modules/x/Dockerfile', 'notes.txt'], { cwd: dir });
    assert.equal(r.status, 0);
    assert.equal(
      r.stderr,
      [
        'docker-modularity: not checked docker/Dockerfile.web: the config\'s exclude pattern "docker/**" leaves it out',
        'docker-modularity: not checked node_modules/x/Dockerfile: it is inside node_modules/, which is never checked',
        'docker-modularity: not checked notes.txt: it is not a Dockerfile, compose file, env file or a file they use',
        '',
      ].join('\n'),
    );
  });

  it('a named file inside a folder also named is said too when it is not checked', function () {
    // Before, `check . docker/Dockerfile.web` with docker/ excluded said nothing of the named file.
    const dir = tempDir();
    writeFiles(dir, {
      'docker/Dockerfile.web': 'FROM python:3.12-slim\n',
      Dockerfile: 'FROM python:3.12-slim\n',
      '.docker-modularity.json': JSON.stringify({ exclude: ['docker/**'] }),
    });
    const r = runCli(['check', '.', 'docker/Dockerfile.web'], { cwd: dir });
    assert.equal(
      r.stderr,
      'docker-modularity: not checked docker/Dockerfile.web: the config\'s exclude pattern "docker/**" leaves it out\n',
    );
  });

  it('a folder inside a folder also named is checked once, as part of the outer workspace, in either order', function () {
    // Before, `check . docker` checked docker/ a second time as a workspace of its own: every
    // docker/* finding twice, some contradicting the outer ones, and false entrypoint-not-found errors.
    const whole = runCli(['check', '.', '--format', 'json'], { cwd: ws });
    for (const args of [
      ['.', 'docker'],
      ['docker', '.'],
      ['.', './docker/', 'docker'],
    ]) {
      const r = runCli(['check', ...args, '--format', 'json'], { cwd: ws });
      assert.equal(r.stderr, '', args.join(' '));
      assert.deepEqual(parseFindings(r.stdout), findings, args.join(' '));
      assert.equal(r.status, whole.status, args.join(' '));
    }
    const stylish = runCli(['check', '.', 'docker'], { cwd: ws });
    assert.ok(stylish.stdout.includes(`✖ ${findings.length} problems`), stylish.stdout);
    // From outside the workspace, the same: its files are reported once each.
    const outside = runCli(['check', ws, path.join(ws, 'docker'), '--format', 'json'], { cwd: path.dirname(ws) });
    assert.deepEqual(parseFindings(outside.stdout), findings);
  });

  it('the same folder named twice is checked once', function () {
    const alone = runCli(['check', 'docker', '--format', 'json'], { cwd: ws });
    const twice = runCli(['check', './docker', 'docker/', '--format', 'json'], { cwd: ws });
    assert.ok(parseFindings(alone.stdout).length > 0);
    assert.deepEqual(parseFindings(twice.stdout), parseFindings(alone.stdout));
    assert.equal(twice.stderr, alone.stderr);
  });

  it('a folder inside a folder also named is said when nothing in it is checked', function () {
    const dir = tempDir();
    writeFiles(dir, {
      'docker/Dockerfile.web': 'FROM python:3.12-slim\nCMD ["python"]\n',
      'legacy/Dockerfile': 'FROM python:3.12-slim\nCMD ["python"]\n',
      'node_modules/x/Dockerfile': 'FROM python:3.12-slim\n',
      'notes/readme.txt': 'hello\n',
      '.docker-modularity.json': JSON.stringify({ exclude: ['legacy/**'] }),
    });
    const r = runCli(['check', '.', 'legacy', 'node_modules/x', 'notes', 'docker'], { cwd: dir });
    assert.equal(
      r.stderr,
      [
        'docker-modularity: not checked legacy: the config\'s exclude pattern "legacy/**" leaves it out',
        'docker-modularity: not checked node_modules/x: it is inside node_modules/, which is never checked',
        'docker-modularity: not checked notes: no Dockerfiles or compose files found in it',
        '',
      ].join('\n'),
    );
    assert.match(r.stdout, /No problems found \(1 file checked\)/);
  });

  it('defaults to the current folder', function () {
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.deepEqual(parseFindings(r.stdout), findings);
  });

  it('stylish: grouped by file, a summary, no colour without a TTY', function () {
    const r = runCli(['check', '.'], { cwd: ws, env: { NO_COLOR: undefined } });
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout, /\u001b\[/);
    assert.match(r.stdout, /^docker\/Dockerfile\.web$/m);
    assert.match(r.stdout, /^ {2}13:5 +warning +Unexpected apt-get install of "curl".* +install-outside-base$/m);
    const c = { error: 0, warning: 0, info: 0, hint: 0 } as Record<string, number>;
    findings.forEach((f) => c[f.severity]!++);
    assert.ok(
      r.stdout.includes(
        `✖ ${findings.length} problems (${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warnings, ${c.info} info`,
      ),
      r.stdout,
    );
  });

  it('stylish: a clean workspace says so', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: 'FROM python:3.12-slim\nCMD ["python"]\n' });
    const r = runCli(['check', dir]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /No problems found \(1 file checked\)/);
  });
});

describe('cli: check FILE finds the project the file is in', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  /** A service folder with its config, compose file, base and web Dockerfiles, in a repository. */
  function project(): { repo: string; svc: string } {
    const repo = tempDir();
    const svc = path.join(repo, 'svc');
    writeFiles(svc, {
      '.docker-modularity.json': '{"rules": {"install-outside-base": "error"}}\n',
      'docker/Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
      'docker/Dockerfile.web': 'FROM acme-base:latest\nRUN pip install --no-cache-dir flask\nCOPY . /app\n',
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: docker/Dockerfile.base}\n    image: acme-base:latest\n' +
        '  web:\n    build: {context: ., dockerfile: docker/Dockerfile.web}\n    env_file: .env.docker\n',
      '.env.docker': 'DEBUG=0\n',
      '.env.docker.example': 'DEBUG=\n',
    });
    return { repo, svc };
  }

  const summary = (r: ReturnType<typeof runCli>): string[] =>
    parseFindings(r.stdout).map((f) => `${f.file} ${f.line}:${f.column} ${f.severity} ${f.rule}`);

  it('from a subfolder of the project: its config and compose file hold', function () {
    // Before, docker/ was the workspace: acme-base:latest was "built by nothing" (base-image-unresolved)
    // and the config that makes install-outside-base an error was not read.
    const { svc } = project();
    const r = runCli(['check', 'Dockerfile.web', '--format', 'json'], { cwd: path.join(svc, 'docker') });
    assert.deepEqual(summary(r), ['Dockerfile.web 2:32 error install-outside-base']);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, '');
  });

  it('from /: the project, not the whole disk', function () {
    // Before, / was the workspace: the walk went through /proc and stopped at the 50,000-file limit.
    const { svc } = project();
    const file = path.join(svc, 'docker', 'Dockerfile.web');
    const r = runCli(['check', file, '--format', 'json'], { cwd: '/' });
    assert.deepEqual(summary(r), [`${path.relative('/', file)} 2:32 error install-outside-base`]);
    assert.equal(r.stderr, '');
    // A file whose own folder is a system folder: said, never walked (before, /dev was the workspace).
    const dev = runCli(['check', '/dev/null'], { cwd: svc });
    assert.equal(dev.status, 2);
    assert.match(
      dev.stderr,
      /^docker-modularity: not checked \/dev\/null: its folder \/dev is a system folder, never walked as a workspace\n/,
    );
  });

  it('a compose file nearer than a .git above it (a dotfiles repository) is the project', function () {
    const { repo, svc } = project();
    fs.rmSync(path.join(svc, '.docker-modularity.json'));
    fs.mkdirSync(path.join(repo, '.git'));
    writeFiles(repo, { 'old/Dockerfile': 'FROM python:3.8\n' });
    const r = runCli(['check', path.join(svc, 'docker', 'Dockerfile.web'), '--format', 'json'], { cwd: repo });
    assert.deepEqual(summary(r), ['svc/docker/Dockerfile.web 2:32 warning install-outside-base']);
    // Named alone in the project's folder, a link to a folder of it checks the file it names.
    fs.symlinkSync('docker', path.join(svc, 'deploy'));
    const viaLink = runCli(['check', 'deploy/Dockerfile.web', '--format', 'json'], { cwd: svc });
    assert.deepEqual(summary(viaLink), ['docker/Dockerfile.web 2:32 warning install-outside-base']);
  });
});
