import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, copyExample, ensureBuilt, parseFindings, runCli, tempDir, writeFiles, type JsonFinding } from './helpers';

const key = (f: JsonFinding): string => `${f.file}|${f.rule}|${f.message}`;

function listFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, p) : [p];
  });
}

describe('cli: check --fix', function () {
  this.timeout(120_000);
  let ws: string;
  let before_: JsonFinding[];
  let fixRun: ReturnType<typeof runCli>;
  let after_: JsonFinding[];

  before(function () {
    ensureBuilt();
    ws = copyExample();
    before_ = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    fixRun = runCli(['check', '.', '--fix'], { cwd: ws });
    after_ = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
  });
  after(cleanTemps);

  it('the example has fixable install-outside-base and shared-volume-missing findings', function () {
    assert.ok(before_.some((f) => f.rule === 'install-outside-base' && f.fixable));
    assert.ok(before_.some((f) => f.rule === 'shared-volume-missing' && f.fixable));
  });

  it('prints what it changed', function () {
    const m = /^fixed (\d+) problems? in (\d+) files?: (.+)$/m.exec(fixRun.stdout);
    assert.ok(m, fixRun.stdout + fixRun.stderr);
    assert.ok(
      Number(m[1]) >=
        before_.filter((f) => f.fixable).length - before_.filter((f) => f.fixable && f.rule.startsWith('roadmap-')).length,
    );
    const files = m[3]!.split(', ');
    assert.equal(files.length, Number(m[2]));
    assert.ok(files.includes('Dockerfile.base'), m[3]);
    assert.ok(files.includes('docker-compose.yml'), m[3]);
    assert.ok(files.includes('docker/Dockerfile.web'), m[3]);
  });

  it('a second run reports none of the fixable findings, and no new ones but those left for a person', function () {
    const fixedBefore = before_.filter((f) => f.fixable).map(key);
    const now = after_.map(key);
    assert.deepEqual(
      now.filter((k) => fixedBefore.includes(k)),
      [],
    );
    const known = before_.map(key);
    // Dockerfile.ml has two stages named builder: the fix renames the second to builder-2, which
    // nothing copies from; whether it or the first is the one COPY --from=builder meant is for a
    // person to decide, so it is reported without a fix (unused-stage); so are all its unused stages
    // while a COPY --from names a stage that does not exist (trainer). The README sections the
    // fix wrote hold a TODO only a person can fill in: reported, without a fix.
    assert.deepEqual(
      after_.filter((f) => !known.includes(key(f))).map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`),
      [
        'docker/Dockerfile.ml:7:26 unused-stage Unexpected stage builder-2: no COPY --from, FROM or build target uses it, and it is not the final stage; a reference to a stage that does not exist (COPY --from=trainer, line 16) may mean this one.',
        'scripts/entrypoints/README.md:8:1 entrypoint-undocumented Expected the section of beat-entrypoint.sh to say what it does and which service uses it: it still holds the TODO line the fix wrote.',
        'scripts/entrypoints/README.md:12:1 entrypoint-undocumented Expected the section of celery-entrypoint.sh to say what it does and which service uses it: it still holds the TODO line the fix wrote.',
      ],
    );
    assert.deepEqual(after_.filter((f) => f.fixable).map(key), []);
  });

  it('the fixed files say what the fixes promised', function () {
    const web = fs.readFileSync(path.join(ws, 'docker/Dockerfile.web'), 'utf8');
    assert.doesNotMatch(web, /\bcurl\b/);
    assert.doesNotMatch(web, /gunicorn==/);
    const base = fs.readFileSync(path.join(ws, 'Dockerfile.base'), 'utf8');
    assert.match(base, /\bcurl\b/);
    assert.match(base, /gunicorn==22\.0\.0/);
    const compose = fs.readFileSync(path.join(ws, 'docker-compose.yml'), 'utf8');
    const beat = compose.slice(compose.indexOf('  celery_beat:'), compose.indexOf('\n  flower:'));
    assert.match(beat, /ml_models_volume:\/app\/artifacts\/models/);
  });

  it('writes atomically: no temporary files are left behind', function () {
    assert.deepEqual(
      listFiles(ws).filter((p) => p.endsWith('.tmp')),
      [],
    );
  });

  it('a run with nothing left to fix changes nothing and prints no fix line', function () {
    const snapshot = listFiles(ws).map((p) => `${p}\n${fs.readFileSync(path.join(ws, p), 'latin1')}`);
    const again = runCli(['check', '.', '--fix'], { cwd: ws });
    assert.doesNotMatch(again.stdout, /^fixed /m);
    assert.deepEqual(
      listFiles(ws).map((p) => `${p}\n${fs.readFileSync(path.join(ws, p), 'latin1')}`),
      snapshot,
    );
  });

  it('--fix on one file fixes only findings on that file', function () {
    const ws2 = copyExample();
    const r = runCli(['check', 'docker/Dockerfile.flower', '--fix', '--format', 'json'], { cwd: ws2 });
    const left = parseFindings(r.stdout);
    assert.deepEqual(
      left.filter((f) => f.fixable),
      [],
    );
    assert.match(r.stderr, /^fixed \d+ problems? in \d+ files?: .*docker\/Dockerfile\.flower/m);
    // Other files' findings are untouched (web still installs curl).
    assert.match(fs.readFileSync(path.join(ws2, 'docker/Dockerfile.web'), 'utf8'), /\bcurl\b/);
  });

  it('a file it cannot write is reported and the rest of the workspace is still fixed', function () {
    const ws3 = copyExample();
    const roadmap = path.join(ws3, 'DOCKER_MODULARIZATION_ROADMAP.md');
    const before = fs.readFileSync(roadmap, 'utf8');
    fs.chmodSync(roadmap, 0o444);
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws3 });
    assert.match(r.stderr, /could not write .*DOCKER_MODULARIZATION_ROADMAP\.md: permission denied/);
    assert.equal(fs.readFileSync(roadmap, 'utf8'), before, 'the read-only file is untouched');
    // Every other fixable finding was fixed in later passes: only the roadmap's remain, and they are not
    // called fixable, since their fixes write the read-only file (before, they were).
    const left = parseFindings(r.stdout);
    assert.ok(left.some((f) => f.file === 'DOCKER_MODULARIZATION_ROADMAP.md' && f.rule.startsWith('roadmap-claim-')));
    assert.deepEqual(
      left.filter((f) => f.fixable).map((f) => `${f.file}: ${f.rule}`),
      [],
    );
  });
});

describe('cli: check calls fixable only what --fix can apply', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  const fixableLine = (stdout: string): string | undefined =>
    /^ {2}\d+ problems? (is|are) fixable with the `--fix` option\.$/m.exec(stdout)?.[0];

  it('a finding whose fix writes a read-only file is not fixable, in JSON or in the stylish summary', function () {
    // Before, "Move curl to the base image" with a read-only Dockerfile.base was fixable: true and counted in
    // "N problems are fixable", though --fix left it, run after run ("could not write Dockerfile.base").
    const ws = copyExample();
    const base = path.join(ws, 'Dockerfile.base');
    const writable = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    const moves = (findings: JsonFinding[]) =>
      findings.filter((f) => f.file === 'docker/Dockerfile.web' && f.rule === 'install-outside-base');
    assert.ok(moves(writable).length > 0 && moves(writable).every((f) => f.fixable));
    fs.chmodSync(base, 0o444);
    const findings = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    assert.deepEqual(
      findings.map((f) => `${f.file}: ${f.rule}: ${f.message}`),
      writable.map((f) => `${f.file}: ${f.rule}: ${f.message}`),
      'the same findings',
    );
    assert.deepEqual(
      moves(findings).filter((f) => f.fixable),
      [],
    );
    // The other fixes are still fixable, and the summary counts them, and them only.
    const fixable = findings.filter((f) => f.fixable);
    assert.ok(fixable.some((f) => f.file === 'docker-compose.yml' && f.rule === 'shared-volume-missing'));
    const stylish = runCli(['check', '.'], { cwd: ws }).stdout;
    assert.equal(fixableLine(stylish), `  ${fixable.length} problems are fixable with the \`--fix\` option.`);
    // What --fix leaves is what it could not apply: nothing left is called fixable.
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws });
    assert.equal(fs.statSync(base).mode & 0o222, 0);
    assert.ok(moves(parseFindings(r.stdout)).length > 0, r.stdout);
    assert.deepEqual(
      parseFindings(r.stdout)
        .filter((f) => f.fixable)
        .map((f) => `${f.file}: ${f.rule}`),
      [],
    );
  });
});

describe('cli: check --fix ticks and unticks roadmap items after the other fixes', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  // Before, a pass unticked an item whose findings the same pass fixed, and the next pass ticked it
  // again as [x]: the document was rewritten and counted as fixed for nothing, and [X] became [x].
  it('an item the other fixes make true keeps its bytes ([X] stays [X]); one they do not is unticked', function () {
    const ws = copyExample();
    const roadmap = path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md');
    const before = fs.readFileSync(roadmap, 'utf8').replace(/\[x\]/g, '[X]');
    fs.writeFileSync(roadmap, before);
    const r = runCli(['check', '.', '--fix'], { cwd: ws });
    const after = fs.readFileSync(roadmap, 'utf8');
    const beforeLines = before.split('\n');
    const afterLines = after.split('\n');
    assert.equal(afterLines.length, beforeLines.length);
    const changed = beforeLines.flatMap((line, i) => (line === afterLines[i] ? [] : [[line, afterLines[i]!]]));
    // Only unticks: `- [X] …` became `- [ ] …`, its done note (`_(Verified)_`) removed, nothing else.
    assert.ok(changed.length > 0, r.stdout + r.stderr);
    for (const [was, now] of changed) {
      const unticked = was.replace('[X]', '[ ]');
      assert.ok(now === unticked || now === unticked.replace(/ _\([^)]*\)_/, ''), `${was}\n→ ${now}`);
    }
    // The shared-volume item, whose findings the fixes remove, stays ticked as it was written.
    assert.match(after, /^- \[X\] Mount these volumes in all relevant services/m);
    assert.doesNotMatch(after, /\[x\]/);
  });
});

describe('cli: check --fix applies a fix over several files entirely or not at all', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('Move to base image is left out whole when the service Dockerfile is read-only', function () {
    // Before, the base gained curl while the read-only service Dockerfile kept installing it.
    const ws = copyExample();
    const web = path.join(ws, 'docker/Dockerfile.web');
    const base = path.join(ws, 'Dockerfile.base');
    const [webBefore, baseBefore] = [fs.readFileSync(web, 'utf8'), fs.readFileSync(base, 'utf8')];
    fs.chmodSync(web, 0o444);
    const r = runCli(['check', 'docker/Dockerfile.web', '--fix', '--format', 'json'], { cwd: ws });
    assert.match(r.stderr, /could not write .*docker\/Dockerfile\.web: permission denied/);
    assert.equal(fs.readFileSync(web, 'utf8'), webBefore);
    assert.equal(fs.readFileSync(base, 'utf8'), baseBefore, 'the base is not half of a fix');
  });

  it('a Dockerfile and a link to it are one file: checked and fixed once, under its own name', function () {
    // Before, the install moved into the base through the link, then legacy-dockerfile archived the
    // Dockerfile, and its removal was refused halfway: a copy in archived/, the link dangling. Then
    // both names were checked, and every fix of the Dockerfile was refused as "the same file as"
    // the link. The link is now skipped as an alias, and compose's web/Dockerfile is the file it names.
    const ws = tempDir();
    writeFiles(ws, {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
      'docker/web.Dockerfile': 'FROM shop-base:latest\nRUN pip install --no-cache-dir flask\nCOPY . /app\n',
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: Dockerfile.base}\n    image: shop-base:latest\n  web:\n    build: {context: ., dockerfile: web/Dockerfile}\n',
    });
    fs.mkdirSync(path.join(ws, 'web'));
    fs.symlinkSync('../docker/web.Dockerfile', path.join(ws, 'web/Dockerfile'));
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws });
    assert.doesNotMatch(r.stderr, /same file as/);
    assert.match(
      r.stderr,
      /^docker-modularity: skipped web\/Dockerfile: a link to a file checked under its own name \(points to docker\/web\.Dockerfile\)$/m,
    );
    assert.ok(!fs.existsSync(path.join(ws, 'archived')), 'nothing archived');
    assert.equal(fs.readlinkSync(path.join(ws, 'web/Dockerfile')), '../docker/web.Dockerfile', 'the link is left as it was');
    assert.equal(fs.readFileSync(path.join(ws, 'docker/web.Dockerfile'), 'utf8'), 'FROM shop-base:latest\nCOPY . /app\n');
    assert.equal(
      fs.readFileSync(path.join(ws, 'Dockerfile.base'), 'utf8'),
      'FROM python:3.12-slim\nRUN pip install --no-cache-dir django flask\n',
    );
    assert.deepEqual(parseFindings(r.stdout), []);
  });

  it('a link to a Dockerfile that compose builds is not a legacy Dockerfile, nor checked twice', function () {
    // Before, Dockerfile.link was reported as legacy-dockerfile and repeated every finding of
    // services/web/Dockerfile, whose fixes were refused ("the same file as Dockerfile.link").
    const ws = tempDir();
    writeFiles(ws, {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
      'services/web/Dockerfile': 'FROM shop-base:latest\nRUN pip install --no-cache-dir flask\nCOPY . /app\n',
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: Dockerfile.base}\n    image: shop-base:latest\n  web:\n    build: ./services/web\n    env_file: .env.docker\n',
      '.env.docker': 'DEBUG=0\n',
      '.env.docker.example': 'DEBUG=\n',
    });
    fs.symlinkSync('services/web/Dockerfile', path.join(ws, 'Dockerfile.link'));
    const check = runCli(['check', '.', '--format', 'json'], { cwd: ws });
    assert.deepEqual(
      parseFindings(check.stdout).map((f) => `${f.rule} ${f.file}`),
      ['install-outside-base services/web/Dockerfile'],
    );
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws });
    assert.doesNotMatch(r.stderr, /could not write/);
    assert.equal(fs.readFileSync(path.join(ws, 'services/web/Dockerfile'), 'utf8'), 'FROM shop-base:latest\nCOPY . /app\n');
    assert.equal(fs.readlinkSync(path.join(ws, 'Dockerfile.link')), 'services/web/Dockerfile');
  });

  for (const link of ['deploy', 'build-files']) {
    it(`a linked folder (${link}/ → docker/) is not a second copy of its Dockerfiles: nothing archived, compose unchanged`, function () {
      // Before, deploy/Dockerfile.base and deploy/Dockerfile.web were reported as legacy Dockerfiles
      // and --fix moved the real docker/ files into archived/ through the link, pointing compose at
      // them. The link sorts before docker/ (build-files) or after it (deploy): the result is the same.
      const ws = tempDir();
      const compose =
        'services:\n  base:\n    build: {context: ., dockerfile: docker/Dockerfile.base}\n    image: acme-base:latest\n' +
        '  web:\n    build: {context: ., dockerfile: docker/Dockerfile.web}\n    env_file: .env.docker\n';
      writeFiles(ws, {
        'docker/Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
        'docker/Dockerfile.web': 'FROM acme-base:latest\nCOPY . /app\n',
        'docker-compose.yml': compose,
        '.env.docker': 'DEBUG=0\n',
        '.env.docker.example': 'DEBUG=\n',
        Makefile: 'base:\n\tdocker build -f docker/Dockerfile.base -t acme-base:latest .\n',
      });
      fs.symlinkSync('docker', path.join(ws, link));
      const check = runCli(['check', '.', '--format', 'json'], { cwd: ws });
      assert.deepEqual(parseFindings(check.stdout), []);
      assert.equal(
        check.stderr,
        `docker-modularity: skipped ${link}/Dockerfile.base: a link to a file checked under its own name (points to docker/Dockerfile.base)\n` +
          `docker-modularity: skipped ${link}/Dockerfile.web: a link to a file checked under its own name (points to docker/Dockerfile.web)\n`,
      );
      const r = runCli(['check', '.', '--fix'], { cwd: ws });
      assert.doesNotMatch(r.stdout, /^fixed/m);
      assert.ok(!fs.existsSync(path.join(ws, 'archived')), 'nothing archived');
      assert.deepEqual(fs.readdirSync(path.join(ws, 'docker')), ['Dockerfile.base', 'Dockerfile.web']);
      assert.equal(fs.readFileSync(path.join(ws, 'docker-compose.yml'), 'utf8'), compose);
    });
  }

  it('a fix that would create a file over one it could not read is left out, and says why', function () {
    // Before, it was refused as "changed on disk while it was being fixed" (a git-crypt secrets.env is binary).
    const ws = copyExample();
    const secrets = path.join(ws, 'secrets.env');
    fs.writeFileSync(secrets, 'A=1\n\0locked\n');
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws });
    // The reason the file was skipped, as the skipped line says it.
    assert.match(r.stderr, /could not write .*secrets\.env: binary file$/m);
    assert.equal(fs.readFileSync(secrets, 'utf8'), 'A=1\n\0locked\n');
    assert.match(
      fs.readFileSync(path.join(ws, 'docker-compose.yml'), 'utf8'),
      /POSTGRES_PASSWORD/,
      'the secret is not removed from compose',
    );
  });

  it('a read-only Dockerfile is not moved into the archive', function () {
    // Before, legacy-dockerfile's fix removed the read-only Dockerfile.old and wrote archived/Dockerfile.old.
    const ws = copyExample();
    const old = path.join(ws, 'Dockerfile.old');
    fs.chmodSync(old, 0o444);
    const r = runCli(['check', '.', '--fix', '--format', 'json'], { cwd: ws });
    assert.match(r.stderr, /could not write .*Dockerfile\.old: permission denied/);
    assert.ok(fs.existsSync(old));
    assert.ok(!fs.existsSync(path.join(ws, 'archived/Dockerfile.old')));
  });
});

describe('cli: check --fix leaves a compose file that does not parse alone', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  /** Breaks the example's compose file, runs --fix twice, and returns what is left. */
  function fixBroken(from: string, to: string): { before: string; after: string; findings: JsonFinding[]; fixed: string } {
    const ws = copyExample();
    const file = path.join(ws, 'docker-compose.yml');
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes(from), from);
    const broken = text.replace(from, to);
    fs.writeFileSync(file, broken);
    const first = runCli(['check', '.', '--fix'], { cwd: ws });
    runCli(['check', '.', '--fix'], { cwd: ws });
    const findings = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    return { before: broken, after: fs.readFileSync(file, 'utf8'), findings, fixed: first.stdout };
  }

  for (const [name, from, to] of [
    ['a tab in the indentation', '\n    image: redis:7-alpine\n', '\n\timage: redis:7-alpine\n'],
    ['an unclosed flow sequence', '\n  redis:\n', '\n  redis: [unclosed\n'],
  ] as const) {
    it(`${name}: the file is byte for byte as it was, and only its parse error is reported on it`, function () {
      const r = fixBroken(from, to);
      // Before, --fix appended a volumes: block on every pass (tab), or removed the declaration
      // of a volume the unreadable service uses (unclosed sequence).
      assert.equal(r.after, r.before);
      const onCompose = r.findings.filter((f) => f.file === 'docker-compose.yml');
      assert.ok(onCompose.length > 0);
      assert.deepEqual([...new Set(onCompose.map((f) => f.rule))], ['parse-error']);
      assert.ok(
        onCompose.every((f) => f.message.endsWith("this file's other checks wait until it parses.")),
        onCompose[0]?.message,
      );
      // The other files are still fixed.
      const fixedLine = /^fixed \d+ problems? in \d+ files?: (.*)$/m.exec(r.fixed);
      assert.ok(fixedLine, r.fixed);
      const files = fixedLine[1]!.split(', ');
      assert.ok(files.includes('Dockerfile.base'), fixedLine[1]);
      assert.ok(!files.includes('docker-compose.yml'), fixedLine[1]);
      // Nothing is archived because the services that build it could not be read.
      assert.ok(!files.some((f) => f.startsWith('archived/') && !f.endsWith('Dockerfile.old')), fixedLine[1]);
    });
  }
});

describe('cli: check --fix says when it stops at its pass limit', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('a chain of stages that become unused one pass at a time: stops after 10 passes, says so, and the next run finishes', function () {
    // Removing stage sN makes sN-1 unused: one stage per pass, twelve passes in all.
    const stages = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? 'FROM alpine:3.20 AS s1\nRUN touch /a\n' : `FROM alpine:3.20 AS s${i + 1}\nCOPY --from=s${i} /a /a\n`,
    );
    const dockerfile = `${stages.join('\n')}\nFROM alpine:3.20\nCMD ["true"]\n`;
    const dir = tempDir();
    writeFiles(dir, {
      Dockerfile: dockerfile,
      'docker-compose.yml': 'services:\n  app:\n    build: .\n',
    });
    const first = runCli(['check', '.', '--fix'], { cwd: dir });
    assert.match(
      first.stderr,
      /stopped after 10 passes of fixes in \S+, with problems still fixable \(a fix can make new findings, and fixes that edit the same place wait for the next pass\); run --fix again/,
    );
    assert.match(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), /^FROM alpine:3\.20 AS s1\n.*AS s2\n/s);
    const second = runCli(['check', '.', '--fix'], { cwd: dir });
    assert.doesNotMatch(second.stderr, /stopped after/);
    assert.equal(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8'), 'FROM alpine:3.20\nCMD ["true"]\n');
  });
});

describe('cli: a UTF-8 byte order mark', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('does not move positions, and --fix keeps it: the result is the BOM-less result with its BOM', function () {
    const plain = copyExample();
    const bom = copyExample();
    const compose = path.join(bom, 'docker-compose.yml');
    fs.writeFileSync(compose, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(compose)]));
    const where = (dir: string) =>
      parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: dir }).stdout).map(
        (f) => `${f.file}:${f.line}:${f.column} ${f.rule}`,
      );
    // Before, every finding on the first line of the file was one column to the right.
    assert.deepEqual(where(bom), where(plain));
    runCli(['check', '.', '--fix'], { cwd: plain });
    runCli(['check', '.', '--fix'], { cwd: bom });
    // Before, the fix that removes the version line on line 1 removed the BOM with it.
    const expected = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(path.join(plain, 'docker-compose.yml'))]);
    assert.ok(fs.readFileSync(compose).equals(expected));
  });
});

describe('cli: check --fix with fixes that meet at a point', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('removing the only unused volume and declaring the one in use: a volumes block, not a new service', function () {
    const dir = tempDir();
    writeFiles(dir, {
      'docker-compose.yml': 'services:\n  a:\n    image: app:1\n    volumes:\n      - data:/data\nvolumes:\n  old:\n',
    });
    runCli(['check', '.', '--fix'], { cwd: dir });
    // Before: `volumes:\n  old:` went and `  data:` landed under services, as a service.
    assert.equal(
      fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8'),
      'services:\n  a:\n    image: app:1\n    volumes:\n      - data:/data\nvolumes:\n  data:\n',
    );
  });
});

describe('cli: check --fix moving a file', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('keeps its mode: an executable entrypoint script stays executable in scripts/entrypoints/', function () {
    const ws = copyExample();
    const script = path.join(ws, 'docker', 'celery-entrypoint.sh');
    const text = fs.readFileSync(script);
    fs.chmodSync(script, 0o755);
    runCli(['check', '.', '--fix'], { cwd: ws });
    const moved = path.join(ws, 'scripts', 'entrypoints', 'celery-entrypoint.sh');
    assert.ok(!fs.existsSync(script));
    assert.ok(fs.readFileSync(moved).equals(text));
    // Before, the moved script was written 0644, and ENTRYPOINT ["/entrypoint.sh"] failed with permission denied.
    assert.equal(fs.statSync(moved).mode & 0o777, 0o755);
  });
});

describe('cli: check --fix leaves a file that is not valid UTF-8 byte for byte as it was', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  /** Every file of a folder, by workspace path, as bytes. */
  function snapshot(dir: string): Map<string, Buffer> {
    return new Map(listFiles(dir).map((p) => [p, fs.readFileSync(path.join(dir, p))]));
  }
  const REPLACEMENT = Buffer.from('\uFFFD', 'utf8');
  const NOT_UTF8 = 'not valid UTF-8; docker-modularity writes UTF-8 only';

  it('a Latin-1 Dockerfile and compose file: their fixes (and those that move text out of them) are withheld, said once each', function () {
    const ws = copyExample();
    const web = path.join(ws, 'docker', 'Dockerfile.web');
    const compose = path.join(ws, 'docker-compose.yml');
    // Written on a Windows machine or an old editor: "é" as the single byte 0xE9.
    fs.writeFileSync(
      web,
      Buffer.concat([Buffer.from('# Django + Gunicorn -- mainteneur: Jos\xe9\n', 'latin1'), fs.readFileSync(web)]),
    );
    const composeText = fs.readFileSync(compose, 'utf8');
    assert.ok(composeText.includes('      POSTGRES_PASSWORD: changeme\n'));
    fs.writeFileSync(
      compose,
      Buffer.from(
        composeText
          .replace('# SmartHR360:', '# Mainteneur : Jos\xe9 (caf\xe9 du matin).\n# SmartHR360:')
          .replace(
            '      POSTGRES_PASSWORD: changeme\n',
            '      POSTGRES_PASSWORD: changeme\n      API_TOKEN: "t\xe9st-9c1a7f2e"\n',
          ),
        'latin1',
      ),
    );
    const before = snapshot(ws);
    const findingsBefore = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    // The files are still analysed (read with U+FFFD for the bytes that are not UTF-8): findings keep
    // working, not fixable (their fixes are withheld, see below).
    assert.ok(findingsBefore.some((f) => f.file === 'docker/Dockerfile.web' && f.rule === 'install-outside-base' && !f.fixable));
    assert.ok(findingsBefore.some((f) => f.file === 'docker-compose.yml' && f.rule === 'secret-in-environment' && !f.fixable));
    const r = runCli(['check', '.', '--fix'], { cwd: ws });
    const after = snapshot(ws);

    // Before, the untouched comment became "Jos\xEF\xBF\xBD", and the secret went to secrets.env as "t\xEF\xBF\xBDst".
    assert.ok(after.get('docker/Dockerfile.web')!.equals(before.get('docker/Dockerfile.web')!), 'Dockerfile.web unchanged');
    assert.ok(after.get('docker-compose.yml')!.equals(before.get('docker-compose.yml')!), 'docker-compose.yml unchanged');
    for (const [p, bytes] of after) {
      assert.ok(!bytes.includes(REPLACEMENT), `${p} holds a replacement character`);
    }
    assert.doesNotMatch(after.get('secrets.env')!.toString('latin1'), /API_TOKEN/);

    // Said once per file, on stderr, with the reason.
    const said = r.stderr.split('\n').filter((l) => l.includes('left unfixed'));
    assert.deepEqual(said.sort(), [
      `docker-modularity: left unfixed docker-compose.yml: ${NOT_UTF8}`,
      `docker-modularity: left unfixed docker/Dockerfile.web: ${NOT_UTF8}`,
    ]);

    // The other files' fixes still applied.
    const fixed = /^fixed \d+ problems? in \d+ files?: (.*)$/m.exec(r.stdout);
    assert.ok(fixed, r.stdout + r.stderr);
    const files = fixed[1]!.split(', ');
    assert.ok(files.includes('docker/Dockerfile.celery'), fixed[1]);
    assert.ok(!files.includes('docker/Dockerfile.web') && !files.includes('docker-compose.yml'), fixed[1]);
    const celery = fs.readFileSync(path.join(ws, 'docker', 'Dockerfile.celery'), 'utf8');
    assert.notEqual(celery, before.get('docker/Dockerfile.celery')!.toString('utf8'));
  });

  it('a finding whose fix is withheld for a Latin-1 file is not called fixable, in JSON or in the stylish summary', function () {
    const ws = copyExample();
    const web = path.join(ws, 'docker', 'Dockerfile.web');
    fs.writeFileSync(
      web,
      Buffer.concat([Buffer.from('# Django + Gunicorn -- mainteneur: Jos\xe9\n', 'latin1'), fs.readFileSync(web)]),
    );
    const fixableLine = (stdout: string): string | undefined =>
      /^ {2}\d+ problems? (is|are) fixable with the `--fix` option\.$/m.exec(stdout)?.[0];
    const findings = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    // Before, the web image's findings were fixable: true, and --fix left them, run after run.
    const webFindings = findings.filter((f) => f.file === 'docker/Dockerfile.web');
    assert.ok(webFindings.some((f) => f.rule === 'install-outside-base'));
    assert.deepEqual(
      webFindings.filter((f) => f.fixable).map((f) => `${f.rule}: ${f.message}`),
      [],
    );
    // The other files' fixes are still offered, and the summary counts them, and them only.
    const fixable = findings.filter((f) => f.fixable);
    assert.ok(fixable.some((f) => f.file === 'docker-compose.yml' && f.rule === 'shared-volume-missing'));
    const stylish = runCli(['check', '.'], { cwd: ws }).stdout;
    assert.equal(fixableLine(stylish), `  ${fixable.length} problems are fixable with the \`--fix\` option.`);

    // What --fix leaves is what it could not fix: nothing is called fixable after it.
    const r = runCli(['check', '.', '--fix'], { cwd: ws });
    assert.match(r.stdout, /^fixed \d+ problems? in \d+ files?: /m);
    assert.equal(fixableLine(r.stdout), undefined, r.stdout);
    const left = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    assert.ok(left.some((f) => f.file === 'docker/Dockerfile.web' && f.rule === 'install-outside-base'));
    assert.deepEqual(
      left.filter((f) => f.fixable).map((f) => `${f.file}: ${f.rule}`),
      [],
    );
  });

  it('a Latin-1 compose file: none of the findings its fixes need is called fixable, and a second --fix fixes nothing', function () {
    const ws = copyExample();
    const compose = path.join(ws, 'docker-compose.yml');
    const text = fs.readFileSync(compose, 'utf8');
    assert.ok(text.includes('# SmartHR360: Django web'));
    fs.writeFileSync(
      compose,
      Buffer.from(text.replace('# SmartHR360: Django web', '# SmartHR360 (\xa9 Soci\xe9t\xe9): Django web'), 'latin1'),
    );
    const first = runCli(['check', '.', '--fix'], { cwd: ws });
    assert.match(first.stderr, new RegExp(`left unfixed docker-compose.yml: ${NOT_UTF8}`));
    // Before: "18 problems are fixable with the `--fix` option.", after every run.
    assert.doesNotMatch(first.stdout, /fixable with the `--fix` option/);
    const findings = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    assert.ok(findings.some((f) => f.file === 'docker-compose.yml' && f.rule === 'secret-in-environment'));
    assert.deepEqual(
      findings.filter((f) => f.fixable).map((f) => `${f.file}: ${f.rule}`),
      [],
    );
    const second = runCli(['check', '.', '--fix'], { cwd: ws });
    assert.doesNotMatch(second.stdout, /^fixed /m);
    assert.doesNotMatch(second.stdout, /fixable with the `--fix` option/);
  });

  it('a fix that only reads a Latin-1 file is withheld too: the missing .env.docker is not made from a Latin-1 template', function () {
    const ws = copyExample();
    fs.rmSync(path.join(ws, '.env.docker'));
    const template = path.join(ws, '.env.docker.example');
    fs.writeFileSync(template, Buffer.concat([Buffer.from('# R\xe9glages partag\xe9s.\n', 'latin1'), fs.readFileSync(template)]));
    const before = fs.readFileSync(template);
    const r = runCli(['check', '.', '--fix'], { cwd: ws });
    // Before, .env.docker was created with the template's text, "R\xEF\xBF\xBDglages".
    assert.ok(!fs.existsSync(path.join(ws, '.env.docker')));
    assert.ok(fs.readFileSync(template).equals(before));
    for (const [p, bytes] of snapshot(ws)) {
      assert.ok(!bytes.includes(REPLACEMENT), `${p} holds a replacement character`);
    }
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l.includes('left unfixed')),
      [`docker-modularity: left unfixed .env.docker.example: ${NOT_UTF8}`],
    );
    const fixed = /^fixed \d+ problems? in \d+ files?: (.*)$/m.exec(r.stdout);
    assert.ok(fixed?.[1]!.split(', ').includes('docker-compose.yml'), r.stdout);
  });
});
