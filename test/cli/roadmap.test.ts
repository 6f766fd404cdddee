import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanTemps, copyExample, ensureBuilt, parseFindings, runCli, tempDir, writeFiles } from './helpers';

/** Secret values of the example workspace; no output may contain them. */
const SECRETS = ['hunter2-celery', 'changeme', 's3cr3t-db-password', 'django-insecure-9f8e7d6c5b4a'];

function assertNoSecret(text: string): void {
  for (const s of SECRETS) {
    assert.ok(!text.includes(s), `output contains the secret value ${s}`);
  }
}

interface StatusJson {
  folder: string;
  totals: { passed: number; checkable: number; errors: number; warnings: number };
  sections: {
    number: number;
    title: string;
    passed: number;
    checkable: number;
    items: {
      id: string;
      title: string;
      state: string;
      count: number;
      detail: string;
      findings: { file: string; rule: string; line: number; column: number }[];
    }[];
  }[];
}

describe('cli: status and report', function () {
  this.timeout(60000);
  before(() => ensureBuilt());
  after(() => cleanTemps());

  it('the example’s secrets are really there (so the checks below can fail)', () => {
    const dir = copyExample();
    const all = walk(dir)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    const found = SECRETS.filter((s) => all.includes(s));
    assert.deepEqual(found, SECRETS);
  });

  it('status prints every section with "n of m" and every item with its mark and count; exit 0', () => {
    const dir = copyExample();
    const r = runCli(['status', dir]);
    assert.equal(r.status, 0, r.stderr);
    assertNoSecret(r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    // "No redundant installs" passes: no service image installs what Dockerfile.base does.
    assert.match(lines[0]!, /^Roadmap status of smarthr360: 1 of 19 checkable items pass; \d+ errors?, \d+ warnings?\.$/);
    const headers = lines.filter((l) => /^\d+\. /.test(l));
    assert.deepEqual(
      headers.map((h) => h.replace(/: .*$/, '')),
      [
        '1. Shared base image',
        '2. Shared assets and volumes',
        '3. Multi-stage builds',
        '4. Environment configuration',
        '5. Service-specific entrypoints',
        '6. Network and service discovery',
        '7. Testing and linting',
        '8. Layer caching',
        '9. Documentation, automation and scripts',
        '10. Package index or artifact registry',
      ],
    );
    assert.ok(lines.includes('1. Shared base image: 1 of 5'), r.stdout);
    assert.ok(
      lines.includes(
        '  ✗ Only the base Dockerfile installs system dependencies and requirements (7 findings, first at docker/Dockerfile.celery:4)',
      ),
      r.stdout,
    );
    // Where the findings are, as --format json says (before, the text said only how many).
    assert.ok(lines.includes('  ✗ Legacy or unused Dockerfiles are archived (1 finding at Dockerfile.old:2)'), r.stdout);
    assert.ok(
      lines.includes(
        '  ✗ Every application service uses the single shared env file (1 application service (ml) reads no .env.docker through env_file; 2 findings, first at docker-compose.yml:80)',
      ),
      r.stdout,
    );
    assert.deepEqual(lines.slice(-4), [
      '✓ passes  ✗ fails  – not applicable or not checked  ○ manual (reviewed by people).',
      'Run `docker-modularity check` for the findings.',
      'A ✗ that gives a reason (not a finding) is not done for that reason: act on it; `check` reports it only on a ticked item of the roadmap document.',
      '',
    ]);
    assert.ok(lines.includes('  ○ Network topology is documented (manual)'), r.stdout);
  });

  it('status says which items are not checked while a compose file does not parse, and passes none of them but those about Dockerfiles alone', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
      'docker/Dockerfile.web': 'FROM app-base:latest\nCOPY . /app\n',
      // A tab in the indentation: yaml reads no services at all.
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: Dockerfile.base}\n    image: app-base:latest\n  web:\n\tbuild: {context: ., dockerfile: docker/Dockerfile.web}\n',
    });
    const text = runCli(['status', dir]).stdout;
    assert.ok(
      text.includes(
        '  – Only the base Dockerfile installs system dependencies and requirements (not checked: docker-compose.yml does not parse; checked again once it does)\n',
      ),
      text,
    );
    // The order of a Dockerfile's steps is read from the Dockerfile alone: still checked (before, not checked either).
    assert.deepEqual(
      text.split('\n').filter((l) => l.startsWith('  ✓ ')),
      ['  ✓ Code is copied after dependencies are installed'],
    );
    // Its parse-error is the compose file's: no Dockerfile item fails for it (before, this one did).
    assert.ok(
      text.includes(
        '  – All Dockerfiles are modular, minimal and follow best practices (not checked: docker-compose.yml does not parse; checked again once it does)\n',
      ),
      text,
    );
    assert.ok(!text.includes('\n  ✗ '), text);
  });

  it('status marks passing and not-applicable items', () => {
    const dir = tempDir();
    writeFiles(dir, {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django\n',
      'docker/Dockerfile.web': 'FROM app-base:latest\nCOPY . /app\n',
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: Dockerfile.base}\n    image: app-base:latest\n  web:\n    build: {context: ., dockerfile: docker/Dockerfile.web}\n',
    });
    const r = runCli(['status', dir, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as StatusJson;
    const item = (id: string) => data.sections.flatMap((s) => s.items).find((i) => i.id === id)!;
    assert.equal(item('base-only-installs').state, 'pass');
    assert.equal(item('base-only-installs').count, 0);
    assert.equal(item('entrypoints-shared-dir').state, 'na');
    const text = runCli(['status', dir]).stdout;
    assert.ok(text.includes('  ✓ Only the base Dockerfile installs system dependencies and requirements\n'), text);
    assert.ok(text.includes('  – Entrypoint scripts live in the shared folder (not applicable)\n'), text);
  });

  it('status says why an item fails when what it needs is missing (no base image)', () => {
    const dir = tempDir();
    const app = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n';
    writeFiles(dir, {
      'web/Dockerfile': `${app}CMD ["gunicorn", "app.wsgi"]\n`,
      'worker/Dockerfile': `${app}CMD ["celery", "-A", "app", "worker"]\n`,
      'docker-compose.yml': 'services:\n  web:\n    build: ./web\n  worker:\n    build: ./worker\n',
    });
    const text = runCli(['status', dir]).stdout;
    assert.ok(
      text.includes(
        '  ✗ Service Dockerfiles are built FROM the base image (no base Dockerfile: 2 service Dockerfiles (web/Dockerfile, worker/Dockerfile) and nothing in the workspace builds a shared base image for them)\n',
      ),
      text,
    );
    assert.ok(
      text.includes('  – Shared volumes are mounted in every relevant service at the same path (not applicable)\n'),
      text,
    );
  });

  it("status reads each included stack's own .env.docker, as check does", () => {
    // Before: "✗ Every application service uses the single shared env file (3 application services
    // (api, worker, trainer) read no .env.docker through env_file)" while check found nothing: the
    // root's .env.docker was asked for, not platform/'s and ml/'s, which env-file-missing reads.
    const dir = tempDir();
    const image = (cmd: string) =>
      `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ${cmd}\n`;
    const platform = (beat = '') =>
      '# Platform: the API and its background worker.\nservices:\n' +
      '  api:\n    build: {context: ., dockerfile: docker/Dockerfile.api}\n    env_file: .env.docker\n    ports:\n      - "8000:8000"\n\n' +
      '  worker:\n    build: {context: ., dockerfile: docker/Dockerfile.worker}\n    env_file: .env.docker\n' +
      beat;
    writeFiles(dir, {
      'compose.yaml':
        '# The whole product: each stack’s compose file.\ninclude:\n  - platform/compose.yaml\n  - ml/compose.yaml\n',
      'platform/compose.yaml': platform(),
      'platform/docker/Dockerfile.api': image('["gunicorn", "platform.wsgi", "--bind", "0.0.0.0:8000"]'),
      'platform/docker/Dockerfile.worker': image('["celery", "-A", "platform", "worker", "-l", "info"]'),
      'platform/requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
      'platform/.env.docker': 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost,api\n',
      'platform/.env.docker.example': 'DJANGO_DEBUG=0\nDJANGO_ALLOWED_HOSTS=localhost\n',
      'ml/compose.yaml':
        '# ML: training jobs.\nservices:\n  trainer:\n    build: {context: ., dockerfile: docker/Dockerfile.trainer}\n    env_file: .env.docker\n',
      'ml/docker/Dockerfile.trainer': image('["python", "-m", "ml.train"]'),
      'ml/requirements.txt': 'mlflow==2.14.1\nscikit-learn==1.5.0\n',
      'ml/.env.docker': 'MLFLOW_TRACKING_URI=http://mlflow:5000\n',
      'ml/.env.docker.example': 'MLFLOW_TRACKING_URI=http://mlflow:5000\n',
    });
    const check = runCli(['check', dir, '--format', 'json']);
    assert.deepEqual(
      parseFindings(check.stdout).filter((f) => f.rule.startsWith('env-')),
      [],
      check.stdout,
    );
    const item = '  ✓ Every application service uses the single shared env file\n';
    assert.ok(runCli(['status', dir]).stdout.includes(item), runCli(['status', dir]).stdout);
    // A platform service that reads no env file is asked for platform/.env.docker, not the root's.
    writeFiles(dir, {
      'platform/compose.yaml': platform(
        '\n  beat:\n    build: {context: ., dockerfile: docker/Dockerfile.worker}\n    command: celery -A platform beat -l info\n',
      ),
    });
    const text = runCli(['status', dir]).stdout;
    assert.ok(
      text.includes(
        '  ✗ Every application service uses the single shared env file (1 application service (beat) reads no platform/.env.docker through env_file)\n',
      ),
      text,
    );
  });

  it('status --format json gives sections, items, counts and findings with 1-based locations', () => {
    const dir = copyExample();
    const r = runCli(['status', '--format', 'json'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assertNoSecret(r.stdout);
    const data = JSON.parse(r.stdout) as StatusJson;
    assert.equal(data.folder, 'smarthr360');
    assert.deepEqual(
      data.sections.map((s) => s.number),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(data.totals.passed, 1);
    assert.equal(data.totals.checkable, 19);
    assert.equal(
      data.totals.checkable,
      data.sections.reduce((n, s) => n + s.checkable, 0),
    );
    const installs = data.sections[0]!.items.find((i) => i.id === 'base-only-installs')!;
    assert.equal(installs.state, 'fail');
    assert.equal(installs.count, 7);
    assert.equal(installs.findings.length, 7);
    assert.deepEqual(
      installs.findings.slice(0, 3).map((f) => `${f.file}:${f.line} ${f.rule}`),
      [
        'docker/Dockerfile.celery:4 install-outside-base',
        'docker/Dockerfile.celery:4 install-outside-base',
        'docker/Dockerfile.flower:3 install-outside-base',
      ],
    );
    for (const s of data.sections) {
      for (const i of s.items) {
        assert.equal(i.count, i.findings.length, i.id);
        assert.ok(i.detail.length > 0, i.id);
      }
    }
  });

  it('status sends nobody to check for findings that check does not report: the reason is what to act on', () => {
    // Before, with no README in the entrypoints folder and no roadmap document, check said "No
    // problems found" while status failed the item and said "Run `docker-modularity check` for the findings".
    const dir = copyFollowing();
    fs.rmSync(path.join(dir, 'scripts', 'entrypoints', 'README.md'));
    fs.rmSync(path.join(dir, 'DOCKER_MODULARIZATION_ROADMAP.md'));
    const check = runCli(['check', dir]);
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /No problems found/);
    const lines = runCli(['status', dir]).stdout.split('\n');
    assert.ok(
      lines.includes(
        '  ✗ Every entrypoint script is documented (no README.md in scripts/entrypoints/ documents the 2 scripts there)',
      ),
      lines.join('\n'),
    );
    assert.ok(!lines.some((l) => l.includes('for the findings')), lines.join('\n'));
    assert.deepEqual(lines.slice(-3), [
      '✓ passes  ✗ fails  – not applicable or not checked  ○ manual (reviewed by people).',
      'A ✗ that gives a reason (not a finding) is not done for that reason: act on it; `check` reports it only on a ticked item of the roadmap document.',
      '',
    ]);
    // Nothing fails: the legend only.
    fs.writeFileSync(
      path.join(dir, 'scripts', 'entrypoints', 'README.md'),
      '# Entrypoints\n\n- `web-entrypoint.sh`\n- `celery-entrypoint.sh`\n',
    );
    assert.deepEqual(runCli(['status', dir]).stdout.split('\n').slice(-2), [
      '✓ passes  ✗ fails  – not applicable or not checked  ○ manual (reviewed by people).',
      '',
    ]);
  });

  it('status says how many ticked items of the roadmap document no check reads, and lists them in JSON', () => {
    // Before, nothing told a reader that "Document network topology … _(Complete)_" was verified by nobody.
    const dir = copyFollowing();
    const lines = runCli(['status', dir]).stdout.split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'Roadmap status of roadmap-following: 19 of 19 checkable items pass; 0 errors, 0 warnings.',
      '11 ticked items of DOCKER_MODULARIZATION_ROADMAP.md are not verified: no check reads them (manual, or worded as no item below).',
      '',
    ]);
    const data = JSON.parse(runCli(['status', dir, '--format', 'json']).stdout) as StatusJson & {
      uncheckedClaims: { file: string; count: number; items: { line: number; text: string }[] } | null;
    };
    assert.equal(data.uncheckedClaims?.file, 'DOCKER_MODULARIZATION_ROADMAP.md');
    assert.equal(data.uncheckedClaims?.count, 11);
    assert.deepEqual(
      data.uncheckedClaims?.items.map((i) => i.line),
      [126, 131, 137, 141, 142, 143, 144, 145, 146, 169, 170],
    );
    assert.match(data.uncheckedClaims!.items[0]!.text, /^Document network topology and service discovery/);
    // No document: no count.
    fs.rmSync(path.join(dir, 'DOCKER_MODULARIZATION_ROADMAP.md'));
    assert.equal(
      (JSON.parse(runCli(['status', dir, '--format', 'json']).stdout) as { uncheckedClaims: unknown }).uncheckedClaims,
      null,
    );
    assert.ok(!runCli(['status', dir]).stdout.includes('not verified'));
  });

  it('status agrees with check on a struck-through ticked item: no claim, not counted as unverified', () => {
    // Before, check ignored `- [x] ~~Order Dockerfile steps …~~` but status said "1 ticked item … is not verified" for it.
    const dir = copyExample();
    const doc = path.join(dir, 'DOCKER_MODULARIZATION_ROADMAP.md');
    const unchecked = () =>
      (
        JSON.parse(runCli(['status', dir, '--format', 'json']).stdout) as { uncheckedClaims: { items: { line: number }[] } }
      ).uncheckedClaims.items.map((i) => i.line);
    const before = unchecked();
    const text = fs.readFileSync(doc, 'utf8');
    const item = '- [x] Order Dockerfile steps so that code is copied last, after dependencies are installed.';
    const at = text.split('\n').findIndex((l) => l.startsWith(item)) + 1;
    assert.ok(at > 0);
    const claimsAt = (line: number) =>
      (
        JSON.parse(runCli(['check', dir, '--format', 'json']).stdout) as { findings: { rule: string; line: number }[] }
      ).findings.filter((f) => f.rule === 'roadmap-claim-violated' && f.line === line).length;
    assert.equal(claimsAt(at), 1, 'the ticked item is a claim check reports');
    fs.writeFileSync(doc, text.replace(/^- \[x\] Order Dockerfile steps.*$/m, `- [x] ~~${item.slice(6)}~~`));
    assert.equal(claimsAt(at), 0, 'struck through, it is no claim');
    assert.deepEqual(unchecked(), before);
    assert.ok(!runCli(['status', dir]).stdout.includes(`${before.length + 1} ticked items`));
  });

  it('report prints the Markdown current-state report with every section, and no secret value', () => {
    const dir = copyExample();
    const r = runCli(['report', dir]);
    assert.equal(r.status, 0, r.stderr);
    assertNoSecret(r.stdout + r.stderr);
    assert.ok(r.stdout.startsWith('# Current State Analysis\n'));
    const headings = r.stdout.split('\n').filter((l) => l.startsWith('## '));
    assert.equal(headings.length, 6, headings.join('\n'));
    assert.ok(r.stdout.includes('| `docker/Dockerfile.web` | service |'), r.stdout);
    assert.ok(r.stdout.includes('`ml_models_volume`'));
  });

  it('report --output writes the file atomically (and over an existing one), printing nothing on stdout', () => {
    const dir = copyExample();
    const out = path.join(dir, 'docs', 'CURRENT_STATE.md');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, 'old\n');
    const r = runCli(['report', '.', '--output', 'docs/CURRENT_STATE.md'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'wrote docs/CURRENT_STATE.md\n');
    const written = fs.readFileSync(out, 'utf8');
    assert.equal(written, runCli(['report', dir]).stdout);
    assertNoSecret(written);
    assert.deepEqual(fs.readdirSync(path.dirname(out)), ['CURRENT_STATE.md'], 'no temporary file left behind');
  });

  it('report --output into a folder that does not exist, or onto a folder: exit 2, nothing created', () => {
    // Before, the missing folders were created (as root, anywhere) and the run exited 0.
    const dir = copyExample();
    const missing = runCli(['report', '.', '--output', 'no/such/dir/r.md'], { cwd: dir });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, 'docker-modularity: could not write no/such/dir/r.md: the folder no/such/dir does not exist\n');
    assert.ok(!fs.existsSync(path.join(dir, 'no')));
    const folder = runCli(['report', '.', '--output', 'docker'], { cwd: dir });
    assert.equal(folder.status, 2);
    assert.equal(folder.stderr, 'docker-modularity: could not write docker: it is a folder\n');
  });

  it('rejects a file, a missing folder, several folders and options of other commands (exit 2)', () => {
    const dir = copyExample();
    for (const args of [
      ['status', path.join(dir, 'Makefile')],
      ['status', path.join(dir, 'nope')],
      ['status', dir, dir],
      ['status', dir, '--fix'],
      ['status', dir, '--format', 'sarif'],
      ['status', dir, '--output', 'x.md'],
      ['report', dir, '--format', 'json'],
      ['check', dir, '--output', 'x.md'],
    ]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^docker-modularity: /);
    }
  });
});

/** A writable copy of the workspace that follows the roadmap (no finding), with the shared roadmap document. */
function copyFollowing(): string {
  const dir = path.join(tempDir(), 'roadmap-following');
  fs.cpSync(path.join(__dirname, '..', 'fixtures', 'roadmap-following'), dir, { recursive: true });
  return dir;
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
