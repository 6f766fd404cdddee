import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, ensureBuilt, parseFindings, runCli, tempDir, writeFiles } from './helpers';

/** No stack traces, no internal errors: one clear message. */
function assertNoCrash(r: { stdout: string; stderr: string }): void {
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .+:\d+:\d+\)?\n|internal error|please report/, r.stderr);
}

describe('cli: bad input never crashes', function () {
  this.timeout(60_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('unparsable YAML: a parse-error at the spot, exit 1, other files still checked', function () {
    const dir = tempDir();
    writeFiles(dir, {
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    image: [unclosed\n',
      Dockerfile: 'FROM python:3.12-slim\nRUN pip install flask\n',
    });
    const r = runCli(['check', dir, '--format', 'json']);
    assertNoCrash(r);
    assert.equal(r.status, 1);
    const findings = parseFindings(r.stdout);
    const parse = findings.filter((f) => f.rule === 'parse-error');
    assert.ok(parse.length > 0, r.stdout);
    assert.ok(parse.every((f) => f.file === 'docker-compose.yml' && f.severity === 'error' && f.line >= 1));
  });

  it('a map as a key: a compose-schema finding at that key, and nothing from the YAML library on stderr', function () {
    // Before: "(node:…) Warning: Keys with collection values will be stringified … Set mapAsMap: true" on
    // stderr, and the finding at 1:1 ("Expected { version: "3.9" } to follow the Compose Specification").
    const dir = tempDir();
    writeFiles(dir, {
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    image: acme/web:1.4\n? { version: "3.9" }\n: legacy\n',
      Dockerfile: 'FROM python:3.12-slim\nCMD ["gunicorn", "app.wsgi"]\n',
    });
    const r = runCli(['check', dir, '--format', 'json']);
    assertNoCrash(r);
    assert.equal(r.stderr, '');
    assert.deepEqual(
      parseFindings(r.stdout)
        .filter((f) => f.rule === 'compose-schema')
        .map((f) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.message]),
      [
        [
          'docker-compose.yml',
          5,
          3,
          5,
          21,
          'Unexpected key "{ version: "3.9" }" in the top level: the Compose Specification does not define it.',
        ],
      ],
    );
  });

  it('a Dockerfile with only comments: a clear finding, not a crash', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: '# nothing here yet\n# FROM python:3.12\n' });
    const r = runCli(['check', dir, '--format', 'json']);
    assertNoCrash(r);
    const findings = parseFindings(r.stdout);
    assert.deepEqual(
      findings.map((f) => [f.file, f.rule, f.line, f.column, f.endLine, f.endColumn]),
      [['Dockerfile', 'parse-error', 1, 1, 1, 19]],
    );
    assert.equal(r.status, 1);
  });

  it('a binary file named Dockerfile: skipped with its reason on stderr, exit 0', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 70, 82, 79, 77]) });
    const r = runCli(['check', dir]);
    assertNoCrash(r);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^docker-modularity: skipped .*Dockerfile: binary file/m);
    assert.match(r.stdout, /No problems found \(0 files checked\)/);
  });

  it('an oversized Dockerfile: skipped, and the limit is named', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: 'FROM python:3.12-slim\n' + '# padding\n'.repeat(250_000) });
    const r = runCli(['check', dir]);
    assertNoCrash(r);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /skipped .*Dockerfile: file too large \(.*over the 2\.0 MB limit\)/);
  });

  it('an empty workspace: says there is nothing to check, exit 0', function () {
    const dir = tempDir();
    const r = runCli(['check', dir]);
    assertNoCrash(r);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /no Dockerfiles or compose files found/);
    assert.equal(parseFindings(runCli(['check', dir, '--format', 'json']).stdout).length, 0);
  });

  it('a missing path: one line, exit 2', function () {
    const r = runCli(['check', 'no/such/folder']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'docker-modularity: no such file or folder: no/such/folder\n');
    assert.equal(r.stdout, '');
  });

  it('a missing --config file: one line, exit 2', function () {
    const r = runCli(['check', tempDir(), '--config', 'nope.json']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'docker-modularity: no such file or folder: nope.json\n');
  });

  it('an invalid workspace config: file, key and reason, exit 2', function () {
    const dir = tempDir();
    writeFiles(dir, { '.docker-modularity.json': '{"exclude": "legacy/**"}', Dockerfile: 'FROM python:3.12-slim\n' });
    const r = runCli(['check', dir]);
    assertNoCrash(r);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const shown = path.relative(process.cwd(), path.join(dir, '.docker-modularity.json')).split(path.sep).join('/');
    assert.equal(r.stderr, `${shown}: "exclude" must be array\n`);
  });

  it('an invalid config given with --config, and YAML that does not parse', function () {
    const dir = tempDir();
    writeFiles(dir, { 'bad.yaml': 'rules: [unclosed\n', 'level.yaml': 'rules:\n  install-outside-base: loud\n' });
    const a = runCli(['check', dir, '--config', path.join(dir, 'bad.yaml')]);
    assert.equal(a.status, 2);
    // Where, in words, not the parser's dangling "at line 1, column 17:".
    assert.match(a.stderr, /bad\.yaml: is not valid YAML: .+ \(line \d+, column \d+\)\n$/);
    const b = runCli(['check', dir, '--config', path.join(dir, 'level.yaml')]);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /level\.yaml: "rules\.install-outside-base" must be one of off, hint, info, warning, error\n$/);
  });

  it('a JSON config with a key given twice: the same error as in YAML, exit 2', function () {
    // Before, the second "rules" replaced the first silently: exit 1, install-outside-base still reported.
    const ws = path.join(tempDir(), 'smarthr360');
    fs.cpSync(path.join(__dirname, '..', '..', 'examples', 'smarthr360'), ws, { recursive: true });
    const text = '{"rules": {"install-outside-base": "off"}, "rules": {"legacy-dockerfile": "off"}}\n';
    writeFiles(ws, { '.docker-modularity.json': text, 'other.json': text });
    const r = runCli(['check', '.'], { cwd: ws });
    assertNoCrash(r);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '.docker-modularity.json: is not valid JSON: Map keys must be unique (line 1, column 44)\n');
    const given = runCli(['check', '.', '--config', 'other.json'], { cwd: ws });
    assert.equal(given.status, 2);
    assert.equal(given.stderr, 'other.json: is not valid JSON: Map keys must be unique (line 1, column 44)\n');
    // status reads the same config, and says the same.
    const status = runCli(['status', '.'], { cwd: ws });
    assert.equal(status.status, 2);
    assert.equal(status.stderr, '.docker-modularity.json: is not valid JSON: Map keys must be unique (line 1, column 44)\n');
  });

  it('usage errors exit 2 with one line and a pointer to --help', function () {
    for (const args of [
      ['check', '--format', 'xml'],
      ['check', '--rule', 'no-such-rule=error'],
      ['check', '--rule', 'install-outside-base=loud'],
      ['check', '--rule', 'install-outside-base'],
      ['check', '--max-warnings', 'many'],
      ['check', '--no-such-option'],
      ['status', '--timing'],
      ['lint'],
      [],
    ]) {
      const r = runCli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, /^docker-modularity: .+\nRun `docker-modularity --help` for usage\.\n$/, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('usage errors name what was expected', function () {
    const messages = [
      [['rules', '--format', 'xml'], 'unknown format for rules: xml (expected text or json)'],
      // -1 is no limit, as in ESLint (cli: check); before, the message suggested --max-warnings=-1, which was refused.
      [
        ['check', '--max-warnings', '-x'],
        '--max-warnings expects a value, got -x, which reads as an option; write --max-warnings=-x if that is the value',
      ],
      [['check', '--max-warnings=1.5'], '--max-warnings expects a whole number, got: 1.5'],
      [['check', ''], 'an empty path was given: name a file or folder (`.` for the current folder)'],
      [['check', '.', ''], 'an empty path was given: name a file or folder (`.` for the current folder)'],
      [['status', ''], 'an empty path was given: name a file or folder (`.` for the current folder)'],
      [['check', '--config', ''], '--config expects a file name'],
    ] as const;
    for (const [args, message] of messages) {
      assert.equal(
        runCli([...args]).stderr,
        `docker-modularity: ${message}\nRun \`docker-modularity --help\` for usage.\n`,
        args.join(' '),
      );
    }
  });

  it('a path in a symlink loop is said in words, for check and status', function () {
    const dir = tempDir();
    fs.symlinkSync('l2', path.join(dir, 'l1'));
    fs.symlinkSync('l1', path.join(dir, 'l2'));
    for (const command of ['check', 'status']) {
      const r = runCli([command, 'l1'], { cwd: dir });
      assert.equal(r.status, 2);
      assert.equal(r.stderr, 'docker-modularity: symlink loop: l1\n', command);
    }
  });

  it('naming a link to a Dockerfile of the workspace checks that Dockerfile, under its own name', function () {
    // Before: "skipped Dockerfile.api: a link to a file checked under its own name", and then
    // "No problems found (0 files checked)", exit 0: the file it leads to was not checked at all.
    const dir = tempDir();
    writeFiles(dir, {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django==5.0.6\n',
      'services/api/Dockerfile': 'FROM shop-base:latest\nRUN pip install --no-cache-dir pytest\nCMD ["gunicorn"]\n',
      'docker-compose.yml':
        'services:\n  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: shop-base:latest\n  api:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n',
    });
    fs.symlinkSync('services/api/Dockerfile', path.join(dir, 'Dockerfile.api'));
    const viaLink = runCli(['check', 'Dockerfile.api', '--format', 'json'], { cwd: dir });
    const direct = runCli(['check', 'services/api/Dockerfile', '--format', 'json'], { cwd: dir });
    assert.equal(viaLink.status, direct.status);
    assert.ok(parseFindings(direct.stdout).length > 0, 'the Dockerfile has findings');
    assert.deepEqual(parseFindings(viaLink.stdout), parseFindings(direct.stdout));
  });

  it('a config file that is empty or holds only null is an empty config, in JSON and YAML', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: 'FROM python:3.12-slim\n' });
    const expected = runCli(['check', '.', '--format', 'json'], { cwd: dir });
    for (const [name, text] of [
      ['.docker-modularity.json', ''],
      ['.docker-modularity.json', 'null\n'],
      ['.docker-modularity.yaml', 'null\n'],
      ['.docker-modularity.yaml', '~\n'],
    ]) {
      writeFiles(dir, { [name]: text });
      const r = runCli(['check', '.', '--format', 'json'], { cwd: dir });
      assert.deepEqual([r.status, r.stderr, r.stdout], [expected.status, expected.stderr, expected.stdout], `${name}: ${text}`);
      fs.rmSync(path.join(dir, name));
      const other = tempDir();
      writeFiles(other, { [`c${path.extname(name)}`]: text });
      const viaFlag = runCli(['check', '.', '--format', 'json', '--config', path.join(other, `c${path.extname(name)}`)], {
        cwd: dir,
      });
      assert.deepEqual([viaFlag.status, viaFlag.stdout], [expected.status, expected.stdout], `--config ${name}: ${text}`);
    }
  });
});
