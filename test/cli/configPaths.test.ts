import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, copyExample, ensureBuilt, parseFindings, runCli, writeFiles, type JsonFinding } from './helpers';

/** Every file under a folder, path → bytes (as latin1, byte for byte). */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      Object.assign(out, snapshot(dir, p));
    } else {
      out[p] = e.isSymbolicLink() ? `-> ${fs.readlinkSync(path.join(dir, p))}` : fs.readFileSync(path.join(dir, p), 'latin1');
    }
  }
  return out;
}

const line = (f: JsonFinding): string => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`;

describe('cli: config paths, and paths out of the workspace', function () {
  this.timeout(120_000);
  before(ensureBuilt);
  after(cleanTemps);

  it('a path setting leading out of the workspace is a config error: --fix writes, moves and removes nothing', function () {
    const ws = copyExample();
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"archiveDir":"../archived","secretsFile":"../secrets.env"}\n');
    const parent = snapshot(path.dirname(ws));
    const r = runCli(['check', '--fix'], { cwd: ws });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      '.docker-modularity.json: "archiveDir" must be a path inside the workspace, relative to its root: "../archived" leads out of the workspace\n',
    );
    assert.equal(r.stdout, '');
    assert.deepEqual(snapshot(path.dirname(ws)), parent);
  });

  it('an absolute path setting is a config error, whichever key (never made relative)', function () {
    const ws = copyExample();
    for (const key of ['secretsFile', 'archiveDir', 'sharedEnvFile', 'roadmapFile', 'entrypointsDir', 'baseDockerfile']) {
      const abs = path.join(path.dirname(ws), 'abs-secrets.env');
      fs.writeFileSync(path.join(ws, '.docker-modularity.json'), JSON.stringify({ [key]: abs }));
      const before = snapshot(path.dirname(ws));
      const r = runCli(['check', '--fix'], { cwd: ws });
      assert.equal(r.status, 2, `${key}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        `.docker-modularity.json: "${key}" must be a path inside the workspace, relative to its root: ${JSON.stringify(abs)} is an absolute path\n`,
      );
      assert.deepEqual(snapshot(path.dirname(ws)), before, key);
    }
  });

  it('path settings are normalised: ./, a trailing slash and backslashes name the same file', function () {
    const ws = copyExample();
    const run = (config: object): string[] => {
      fs.writeFileSync(path.join(ws, '.docker-modularity.json'), JSON.stringify(config));
      return parseFindings(runCli(['check', '--format', 'json'], { cwd: ws }).stdout).map(line);
    };
    const plain = run({ roadmapFile: 'DOCKER_MODULARIZATION_ROADMAP.md', sharedEnvFile: '.env.docker', archiveDir: 'archived' });
    assert.ok(
      plain.some((l) => / roadmap-/.test(l)),
      'the roadmap is checked',
    );
    assert.deepEqual(
      run({ roadmapFile: './DOCKER_MODULARIZATION_ROADMAP.md', sharedEnvFile: './.env.docker', archiveDir: 'archived/' }),
      plain,
    );
    assert.deepEqual(
      run({ roadmapFile: '.\\DOCKER_MODULARIZATION_ROADMAP.md', sharedEnvFile: '.\\.env.docker', archiveDir: './archived' }),
      plain,
    );
    writeFiles(ws, { 'docs/ROADMAP.md': fs.readFileSync(path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md'), 'utf8') });
    fs.rmSync(path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md'));
    const docs = run({ roadmapFile: 'docs/ROADMAP.md' });
    assert.ok(
      docs.some((l) => l.startsWith('docs/ROADMAP.md:')),
      'the roadmap is checked',
    );
    assert.deepEqual(run({ roadmapFile: './docs//ROADMAP.md' }), docs);
  });

  it('a fix whose path leads out through a symlinked folder is left out whole: nothing deleted, no secret moved', function () {
    const ws = copyExample();
    const outside = path.join(path.dirname(ws), 'outside');
    fs.mkdirSync(path.join(outside, 'archive'), { recursive: true });
    fs.mkdirSync(path.join(outside, 'private'), { recursive: true });
    fs.rmSync(path.join(ws, 'archived'), { recursive: true, force: true });
    fs.symlinkSync('../outside/archive', path.join(ws, 'archived'));
    fs.symlinkSync('../outside/private', path.join(ws, 'private'));
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"secretsFile":"private/secrets.env"}\n');
    const before = snapshot(path.dirname(ws));
    const r = runCli(['check', '--fix'], { cwd: ws });
    assert.match(r.stderr, /could not write archived\/Dockerfile\.old: outside the workspace/);
    assert.match(r.stderr, /could not write private\/secrets\.env: outside the workspace/);
    const after = snapshot(path.dirname(ws));
    // Other fixes went on; the ones touching the outside paths changed nothing.
    for (const p of ['smarthr360/Dockerfile.old', 'smarthr360/docker-compose.yml', 'smarthr360/.gitignore']) {
      assert.ok(p in after, `${p} is still there`);
    }
    // Still where it was (other fixes may edit it), not deleted for an archived copy never written.
    assert.match(after['smarthr360/Dockerfile.old']!, /^FROM python:3\.11$/m);
    assert.ok(before['smarthr360/Dockerfile.old']);
    assert.match(after['smarthr360/docker-compose.yml']!, /POSTGRES_PASSWORD/);
    assert.doesNotMatch(after['smarthr360/.gitignore']!, /private\/secrets\.env/);
    assert.deepEqual(
      Object.keys(after).filter((p) => p.startsWith('outside/')),
      [],
    );
  });

  it('a roadmapFile that does not exist is said on stderr (check and status), not silently ignored', function () {
    const ws = copyExample();
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"roadmapFile":"./docs/ROADMAP.md"}');
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    const said =
      '.docker-modularity.json: "roadmapFile" names docs/ROADMAP.md, which does not exist: no roadmap document is checked\n';
    assert.equal(r.stderr, said);
    assert.deepEqual(
      parseFindings(r.stdout).filter((f) => f.rule.startsWith('roadmap-')),
      [],
    );
    assert.equal(runCli(['status'], { cwd: ws }).stderr, said);
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"roadmapFile":"./DOCKER_MODULARIZATION_ROADMAP.md"}');
    assert.equal(runCli(['check'], { cwd: ws }).stderr, '');
  });

  it('a roadmapFile that is a symlink out of the workspace is said not read, not missing', function () {
    // Before: "… which does not exist", next to the walk's own "skipped …: symlink out of the workspace".
    const ws = copyExample();
    const outside = path.join(path.dirname(ws), `${path.basename(ws)}-docs`);
    fs.mkdirSync(outside);
    fs.renameSync(path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md'), path.join(outside, 'ROADMAP.md'));
    fs.symlinkSync(path.join(outside, 'ROADMAP.md'), path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md'));
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"roadmapFile":"DOCKER_MODULARIZATION_ROADMAP.md"}');
    const r = runCli(['check'], { cwd: ws });
    assert.match(
      r.stderr,
      /"roadmapFile" names DOCKER_MODULARIZATION_ROADMAP\.md, which is not read \(symlink out of the workspace\): no roadmap document is checked\n/,
    );
    assert.doesNotMatch(r.stderr, /does not exist/);
  });

  it('a roadmap copy inside archiveDir is not a roadmap document: not checked, not fixed', function () {
    const ws = copyExample();
    const copy = fs.readFileSync(path.join(ws, 'DOCKER_MODULARIZATION_ROADMAP.md'), 'utf8').replace(/- \[ \]/g, '- [x]');
    for (const [config, folder] of [
      ['', 'archived/old'],
      ['{"archiveDir":"./attic/"}', 'attic'],
    ] as const) {
      if (config) {
        fs.writeFileSync(path.join(ws, '.docker-modularity.json'), config);
      }
      writeFiles(ws, { [`${folder}/OLD_MODULARIZATION_NOTES.md`]: copy });
      const findings = parseFindings(runCli(['check', '--format', 'json'], { cwd: ws }).stdout);
      assert.ok(
        findings.some((f) => f.file === 'DOCKER_MODULARIZATION_ROADMAP.md'),
        'the roadmap itself is checked',
      );
      assert.deepEqual(findings.filter((f) => f.file.startsWith(folder)).map(line), []);
      runCli(['check', '--fix'], { cwd: ws });
      assert.equal(fs.readFileSync(path.join(ws, folder, 'OLD_MODULARIZATION_NOTES.md'), 'utf8'), copy);
    }
  });

  it('a baseDockerfile that is not a Dockerfile of the workspace is said on stderr (check and status), with the nearest name', function () {
    // Before, a misspelt baseDockerfile was dropped without a word: the base was found as if it were
    // not set, and the messages went on naming Dockerfile.base.
    const ws = copyExample();
    const plain = parseFindings(runCli(['check', '--format', 'json'], { cwd: ws }).stdout);
    const said = (setting: string, why: string): string =>
      `.docker-modularity.json: "baseDockerfile" names ${setting}, which ${why}: the base Dockerfile is found as if it were not set (Dockerfile.base)\n`;
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"baseDockerfile": "docker/Dockerfile.bse"}');
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, said('docker/Dockerfile.bse', 'does not exist (did you mean Dockerfile.base?)'));
    assert.deepEqual(parseFindings(r.stdout), plain, 'the findings are those without the setting');
    assert.equal(
      runCli(['status'], { cwd: ws }).stderr,
      said('docker/Dockerfile.bse', 'does not exist (did you mean Dockerfile.base?)'),
    );
    for (const [setting, why] of [
      // The same name in another folder is the one suggested, not a neighbour of the same folder.
      ['docker/Dockerfile.base', 'does not exist (did you mean Dockerfile.base?)'],
      ['docker', 'is a folder'],
      ['requirements.txt', 'is not read as a Dockerfile'],
      ['images/platform/Containerfile', 'does not exist'],
      // Before: "(did you mean docker/Dockerfile.ml?)", a service's Dockerfile, then "found as … (Dockerfile.base)".
      ['Dockerfile', 'does not exist'],
    ]) {
      fs.writeFileSync(path.join(ws, '.docker-modularity.json'), JSON.stringify({ baseDockerfile: setting }));
      assert.equal(runCli(['check'], { cwd: ws }).stderr, said(setting!, why!), setting);
    }
    // Without a base Dockerfile to fall back to, that is said.
    fs.rmSync(path.join(ws, 'Dockerfile.base'));
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"baseDockerfile": "Dockerfile.base"}');
    assert.equal(
      runCli(['check'], { cwd: ws }).stderr,
      '.docker-modularity.json: "baseDockerfile" names Dockerfile.base, which does not exist: no base Dockerfile is found\n',
    );
    fs.writeFileSync(path.join(ws, 'Dockerfile.base'), 'FROM python:3.12-slim\n');
    assert.equal(runCli(['check'], { cwd: ws }).stderr, '');
  });

  it('a baseImage nothing builds, while the workspace builds its own base: said once, never taken as the base', function () {
    const configured = copyExample();
    const plain = copyExample();
    fs.writeFileSync(path.join(configured, '.docker-modularity.json'), '{"baseImage":"acme/base:1"}');
    const r = runCli(['check', '--format', 'json'], { cwd: configured });
    assert.equal(
      r.stderr,
      '.docker-modularity.json: "baseImage" names acme/base:1, which no Dockerfile of the workspace builds or is built FROM, while its base Dockerfile Dockerfile.base is built as smarthr360-base:latest; it is not taken as the base image (set baseImage to smarthr360-base:latest, or remove it)\n',
    );
    assert.deepEqual(
      parseFindings(r.stdout).filter((f) => f.message.includes('acme/base')),
      [],
    );
    // --fix does what it does without the setting: nothing is rewritten to acme/base:1.
    runCli(['check', '--fix'], { cwd: configured });
    runCli(['check', '--fix'], { cwd: plain });
    const fixed = snapshot(configured);
    delete fixed['.docker-modularity.json'];
    assert.deepEqual(fixed, snapshot(plain));
  });

  it('a registry baseImage the service Dockerfiles are built FROM is the base, whatever else the workspace builds', function () {
    // Before, it was dropped with a warning for the workspace's own Dockerfile.base, and web and
    // celery were told to move to smarthr360-base:latest.
    const ws = copyExample();
    for (const name of ['Dockerfile.web', 'Dockerfile.celery']) {
      const p = path.join(ws, 'docker', name);
      fs.writeFileSync(
        p,
        fs.readFileSync(p, 'utf8').replace(/FROM smarthr360-base:latest/g, 'FROM registry.acme.io/python-base:3.12'),
      );
    }
    fs.writeFileSync(path.join(ws, '.docker-modularity.json'), '{"baseImage":"registry.acme.io/python-base:3.12"}');
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    const fromBase = parseFindings(r.stdout).filter((f) => f.rule === 'service-not-from-base');
    assert.ok(
      fromBase.every((f) => !f.file.endsWith('Dockerfile.web') && !f.file.endsWith('Dockerfile.celery')),
      fromBase.map(line).join('\n'),
    );
  });

  it('a baseImage the workspace does not build, without a base of its own, is pulled: suggested as configured', function () {
    const ws = copyExample();
    writeFiles(ws, {
      'docker-compose.yml': 'services:\n  web:\n    build: { context: ., dockerfile: Dockerfile }\n',
      Dockerfile: 'FROM smarthr360-base-local\nCMD ["true"]\n',
      '.docker-modularity.json': '{"baseImage":"registry.acme.com/base:1"}',
    });
    for (const p of ['Dockerfile.base', 'docker', 'DOCKER_MODULARIZATION_ROADMAP.md', 'Makefile', '.github']) {
      fs.rmSync(path.join(ws, p), { recursive: true, force: true });
    }
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.equal(r.stderr, '');
    assert.deepEqual(
      parseFindings(r.stdout)
        .filter((f) => f.rule === 'base-image-unresolved')
        .map(line),
      [
        'Dockerfile:1:6 base-image-unresolved Unexpected FROM smarthr360-base-local: nothing in the workspace is built as smarthr360-base-local; expected the configured baseImage registry.acme.com/base:1.',
      ],
    );
  });

  it('a file symlinked from out of the workspace is skipped, not reported missing, and --fix says why it is not written', function () {
    const ws = copyExample();
    const shared = path.join(path.dirname(ws), 'shared');
    fs.mkdirSync(shared);
    for (const name of ['Dockerfile.base', 'secrets.env']) {
      fs.renameSync(path.join(ws, name), path.join(shared, name));
      fs.symlinkSync(`../shared/${name}`, path.join(ws, name));
    }
    const outside = snapshot(shared);
    const r = runCli(['check', '--format', 'json'], { cwd: ws });
    assert.match(r.stderr, /^docker-modularity: skipped Dockerfile\.base: symlink out of the workspace/m);
    assert.deepEqual(
      parseFindings(r.stdout)
        .filter((f) => f.rule === 'build-path-not-found')
        .map((f) => f.message),
      [
        'Expected Dockerfile "Dockerfile.reports" of reports to exist; Dockerfile.reports (resolved from the build context .) does not.',
      ],
    );
    const fix = runCli(['check', '--fix'], { cwd: ws });
    assert.match(fix.stderr, /^docker-modularity: could not write secrets\.env: symlink out of the workspace$/m);
    assert.deepEqual(snapshot(shared), outside);
    assert.equal(fs.readlinkSync(path.join(ws, 'secrets.env')), '../shared/secrets.env');
  });
});
