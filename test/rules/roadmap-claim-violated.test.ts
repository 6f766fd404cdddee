import { RuleTester } from '../ruleTester';
import { roadmapClaimSatisfied, roadmapClaimViolated } from '../../server/src/engine/rules/roadmap/roadmapClaims';
import { parseError } from '../../server/src/engine/rules/compose/parseError';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE_SERVICE, COMPOSE, ROADMAP_WORKSPACE } from './workspaces/roadmap';
import { sharedVolumePathMismatch } from '../../server/src/engine/rules/compose/sharedVolumePathMismatch';
import { applyFixes } from '../../server/src/engine/fixes';
import { roadmapStatus } from '../../server/src/engine/roadmap';
import { copyBeforeInstall } from '../../server/src/engine/rules/image/copyBeforeInstall';
import { fixPasses } from '../fixPasses';

const base = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
const compose = `services:
${BASE_SERVICE}  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
  nginx:
    image: nginx:1.27-alpine
`;
const webClean = `FROM smarthr360-base:latest
WORKDIR /app
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
// libpq5, which the base installs already: an install outside the base, and a redundant one (curl,
// which the base does not install, is the first item's only).
const webInstalls = `FROM smarthr360-base:latest
WORKDIR /app
RUN apt-get update && apt-get install -y libpq5
COPY . .
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
const celery = `FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker"]
`;
const roadmap = `# Docker & DevOps Modularization Roadmap

## 1. Shared Base Image for All Services & Dockerfile Verification

- [x] Review and update **all Dockerfiles** to ensure:
  - [x] Only \`Dockerfile.base\` installs system dependencies and requirements. _(Verified)_
  - [x] No redundant \`pip install\` or system package installs in service Dockerfiles. _(Verified)_

## 7. Centralized Testing and Linting

- [ ] Create a dedicated CI/CD pipeline stage or container for running tests, linting, and security checks.
`;

const files = (web: string): Record<string, string> => ({
  'Dockerfile.base': base,
  'docker-compose.yml': compose,
  'docker/Dockerfile.web': web,
  'docker/Dockerfile.celery': celery,
  'requirements.txt': 'Django==5.0.6\n',
  'DOCKER_MODULARIZATION_ROADMAP.md': roadmap,
});

// The roadmap rule reads other rules' findings: run it alongside install-outside-base.
describe('roadmap-claim-violated with the rules it reads', () => {
  it('reports each ticked item whose rules still find something, naming the findings, and unchecks it', () => {
    const fs = new MemoryFileSystem(files(webInstalls));
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze();
    const claims = result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
    // The parent item claims its sub-items: before, it stayed ticked while they were unticked.
    assert.deepEqual(
      claims.map((f) => [f.range.start.line + 1, f.range.start.character + 1, f.message]),
      [
        [
          5,
          7,
          'Unexpected [x]: "Review and update all Dockerfiles to ensure" is not true of the workspace yet (2 sub-items not done: "Only the base Dockerfile installs system dependencies and requirements", "No redundant pip or system package installs in service Dockerfiles").',
        ],
        [
          6,
          9,
          'Unexpected [x]: "Only the base Dockerfile installs system dependencies and requirements" is not true of the workspace yet (1 install-outside-base).',
        ],
        [
          7,
          9,
          'Unexpected [x]: "No redundant pip or system package installs in service Dockerfiles" is not true of the workspace yet (1 install-outside-base).',
        ],
      ],
    );
    assert.deepEqual(
      claims[0]!.related?.map((r) => [r.path, r.range.start.line + 1]),
      [
        ['DOCKER_MODULARIZATION_ROADMAP.md', 6],
        ['DOCKER_MODULARIZATION_ROADMAP.md', 7],
      ],
    );
    assert.equal(
      applyFixes(
        claims.map((f) => f.fix!()!),
        (p) => fs.readFile(p),
      ).files.get('DOCKER_MODULARIZATION_ROADMAP.md'),
      roadmap
        .replace('- [x] Review', '- [ ] Review')
        .replace('- [x] Only', '- [ ] Only')
        .replace('- [x] No redundant', '- [ ] No redundant')
        // The "Verified" notes go with the ticks (before, they stayed).
        .replaceAll(' _(Verified)_', ''),
    );
    const fix = claims[1]!.fix!()!;
    assert.deepEqual(fix.changes, [
      {
        kind: 'edit',
        path: 'DOCKER_MODULARIZATION_ROADMAP.md',
        edits: [
          { range: { start: { line: 5, character: 5 }, end: { line: 5, character: 6 } }, newText: ' ' },
          // " _(Verified)_"
          { range: { start: { line: 5, character: 77 }, end: { line: 5, character: 90 } }, newText: '' },
        ],
      },
    ]);
    assert.equal(claims[1]!.related?.[0]?.path, 'docker/Dockerfile.web');
  });
  it('ticks a parent back once its sub-items are ticked and hold, as --fix does after moving an install', () => {
    // Pass 1 of --fix unticks the parent with its sub-items and moves the install to the base; pass 2
    // ticks the sub-items again, and pass 3 the parent. Before, nothing ticked a parent.
    const unticked = roadmap.replace('- [x] Review', '- [ ] Review');
    const fs = new MemoryFileSystem({ ...files(webClean), 'DOCKER_MODULARIZATION_ROADMAP.md': unticked });
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated, roadmapClaimSatisfied] }).analyze();
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, f.range.start.line + 1, f.message]),
      [
        [
          'roadmap-claim-satisfied',
          5,
          'Expected [x]: "Review and update all Dockerfiles to ensure" holds in the workspace (its 2 sub-items are ticked, and the checks of 2 of them found nothing).',
        ],
      ],
    );
    assert.equal(
      applyFixes([result.findings[0]!.fix!()!], (p) => fs.readFile(p)).files.get('DOCKER_MODULARIZATION_ROADMAP.md'),
      roadmap,
    );
    // Not while a sub-item is open, even one no rule checks.
    fs.write(
      'DOCKER_MODULARIZATION_ROADMAP.md',
      unticked.replace('  - [x] No redundant', '  - [ ] Periodically review for legacy or unused scripts.\n  - [x] No redundant'),
    );
    assert.deepEqual(new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimSatisfied] }).analyze().findings, []);
  });
  it('reports "built FROM the base" ticked in a workspace that builds no base, saying so', () => {
    // Before, the item passed: with no base, service-not-from-base has nothing to compare with.
    const rest = files(webClean);
    delete rest['Dockerfile.base'];
    const fs = new MemoryFileSystem({
      ...rest,
      'docker-compose.yml': compose.replace(BASE_SERVICE, ''),
      'docker/Dockerfile.web': webClean.replace('smarthr360-base:latest', 'python:3.12-slim'),
      'docker/Dockerfile.celery': celery.replace('smarthr360-base:latest', 'python:3.12-slim'),
      'DOCKER_MODULARIZATION_ROADMAP.md': roadmap.replace(
        '- [x] Review and update',
        '- [x] Service Dockerfiles use `FROM smarthr360-base:latest`. _(Verified)_\n- [x] Review and update',
      ),
    });
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze();
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated').map((f) => [f.range.start.line + 1, f.message]),
      [
        [
          5,
          'Unexpected [x]: "Service Dockerfiles are built FROM the base image" is not true of the workspace yet (no base Dockerfile: 2 service Dockerfiles (docker/Dockerfile.web, docker/Dockerfile.celery) and nothing in the workspace builds a shared base image for them).',
        ],
      ],
    );
  });
  it('reports the shared env file ticked where no base makes services application services and they read none', () => {
    // Before, the item was "not applicable" (only services FROM the base counted), so its tick stood
    // while web and celery_worker read only secrets.env.
    const rest = files(webClean);
    delete rest['Dockerfile.base'];
    const envRoadmap = `# Docker & DevOps Modularization Roadmap

## 4. Centralize Environment Configuration

- [x] Use a single \`.env.docker\` file at the project root for all non-sensitive environment variables shared by all services (web, celery, ML, etc.). Referenced in \`docker-compose.yml\` using \`env_file\` for each service. _(Complete)_
`;
    const fs = new MemoryFileSystem({
      ...rest,
      '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
      'secrets.env': 'DB_PASSWORD=change-me\n',
      'docker-compose.yml': compose
        .replace(BASE_SERVICE, '')
        .replace(/(dockerfile: docker\/Dockerfile\.\w+\n)/g, '$1    env_file:\n      - secrets.env\n'),
      'docker/Dockerfile.web': webClean.replace('smarthr360-base:latest', 'python:3.12-slim'),
      'docker/Dockerfile.celery': celery.replace('smarthr360-base:latest', 'python:3.12-slim'),
      'DOCKER_MODULARIZATION_ROADMAP.md': envRoadmap,
    });
    const result = new Analyzer(fs, { rules: [roadmapClaimViolated] }).analyze();
    const claims = result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
    assert.deepEqual(
      claims.map((f) => [f.range.start.line + 1, f.message]),
      [
        [
          5,
          'Unexpected [x]: "Every application service uses the single shared env file" is not true of the workspace yet (2 application services (web, celery_worker) read no .env.docker through env_file).',
        ],
      ],
    );
    const out = applyFixes([claims[0]!.fix!()!], (p) => fs.readFile(p));
    assert.equal(
      out.files.get('DOCKER_MODULARIZATION_ROADMAP.md'),
      envRoadmap.replace('- [x] Use', '- [ ] Use').replace(' _(Complete)_', ''),
    );
    // Reading it, they keep the promise.
    fs.write(
      'docker-compose.yml',
      fs.readFile('docker-compose.yml')!.replaceAll('      - secrets.env\n', '      - .env.docker\n      - secrets.env\n'),
    );
    assert.deepEqual(new Analyzer(fs, { rules: [roadmapClaimViolated] }).analyze().findings, []);
  });
  it('checks an item about the secrets file against the secrets rules, not as the shared env file', () => {
    // Before, "single `secrets.env` file" matched the shared env file item: open, it was suggested
    // (every service reads .env.docker), and sync ticked it while a password sat in docker-compose.yml.
    const secretsRoadmap = (mark: string) => `# Docker & DevOps Modularization Roadmap

## 4. Centralize Environment Configuration

- [${mark}] Use a single \`secrets.env\` file for all secrets, never committed.
`;
    const workspace = (mark: string) => ({
      ...files(webClean),
      '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
      'docker-compose.yml': compose.replace(
        /(dockerfile: docker\/Dockerfile\.\w+\n)/g,
        '$1    env_file:\n      - .env.docker\n    environment:\n      - DB_PASSWORD=hunter2\n',
      ),
      'DOCKER_MODULARIZATION_ROADMAP.md': secretsRoadmap(mark),
    });
    const rules = [envFileMissing, secretInEnvironment, roadmapClaimViolated, roadmapClaimSatisfied];
    const open = new Analyzer(new MemoryFileSystem(workspace(' ')), { rules }).analyze();
    assert.deepEqual(
      open.findings.filter((f) => f.ruleId.startsWith('roadmap-')),
      [],
    );
    const fs = new MemoryFileSystem(workspace('x'));
    const claims = new Analyzer(fs, { rules }).analyze().findings.filter((f) => f.ruleId.startsWith('roadmap-'));
    assert.deepEqual(
      claims.map((f) => [f.ruleId, f.range.start.line + 1, f.message]),
      [
        [
          'roadmap-claim-violated',
          5,
          'Unexpected [x]: "Secrets are kept apart from the shared env file and out of git" is not true of the workspace yet (2 secret-in-environment).',
        ],
      ],
    );
    const out = applyFixes([claims[0]!.fix!()!], (p) => fs.readFile(p));
    assert.equal(out.files.get('DOCKER_MODULARIZATION_ROADMAP.md'), secretsRoadmap(' '));
  });
  it('says nothing when the workspace keeps the promise', () => {
    const result = new Analyzer(new MemoryFileSystem(files(webClean)), {
      rules: [installOutsideBase, roadmapClaimViolated],
    }).analyze();
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      [],
    );
  });
  it('reads an item with a comment at its end, and items after `<!--` in a code span, and unchecks them', () => {
    // Before, any line holding `<!--` was hidden, and an unclosed one hid every later line: neither
    // claim below was checked, and the ticks stayed.
    const commented = `# Docker & DevOps Modularization Roadmap

Reviewers leave notes as HTML comments (\`<!--\` … \`-->\`): GitHub does not show them.

## 1. Shared Base Image for All Services & Dockerfile Verification

- [x] Only \`Dockerfile.base\` installs system dependencies and requirements. <!-- verified by alice -->
- [x] No redundant \`pip install\` or system package installs in service Dockerfiles. _(Verified)_

<!--
- [x] Only \`Dockerfile.base\` installs system dependencies and requirements.
-->
`;
    const fs = new MemoryFileSystem({ ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': commented });
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze();
    const claims = result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
    assert.deepEqual(
      claims.map((f) => f.range.start.line + 1),
      [7, 8],
    );
    const out = applyFixes(
      claims.map((f) => f.fix!()!),
      (p) => fs.readFile(p),
    );
    assert.equal(
      out.files.get('DOCKER_MODULARIZATION_ROADMAP.md'),
      commented
        .replace('- [x] Only', '- [ ] Only')
        .replace('- [x] No redundant', '- [ ] No redundant')
        .replace(' _(Verified)_', ''),
    );
  });
  it('reads no claim in indented code or in a fence indented under a list item, and edits none there', () => {
    // Before, both examples below were read as ticked items: reported, and unticked by the fix.
    const examples = `# Docker & DevOps Modularization Roadmap

## 1. Shared Base Image for All Services & Dockerfile Verification

- [x] Review and update **all Dockerfiles** to ensure:
    - [x] Only \`Dockerfile.base\` installs system dependencies and requirements. _(Verified)_

Example of how to write an item:

    - [x] No redundant \`pip install\` or system package installs in service Dockerfiles.

- How to mark an item done:

    \`\`\`md
    - [x] No redundant \`pip install\` or system package installs in service Dockerfiles.
    \`\`\`
`;
    const fs = new MemoryFileSystem({ ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': examples });
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze();
    const claims = result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
    assert.deepEqual(
      claims.map((f) => f.range.start.line + 1),
      [5, 6],
    );
    const out = applyFixes(
      claims.map((f) => f.fix!()!),
      (p) => fs.readFile(p),
    );
    assert.equal(
      out.files.get('DOCKER_MODULARIZATION_ROADMAP.md'),
      examples.replace('- [x] Review', '- [ ] Review').replace('    - [x] Only', '    - [ ] Only').replace(' _(Verified)_', ''),
    );
  });
  it('neither fails nor unticks a Dockerfile item for a compose file that does not parse', () => {
    // Before, the compose file's parse-error failed "All Dockerfiles are modular…" (its rules list
    // parse-error for Dockerfiles), and the fix unticked it.
    const modular = roadmap.replace(
      '  - [x] No redundant',
      '  - [x] All Dockerfiles are modular, minimal, and follow best practices. _(Verified)_\n  - [x] No redundant',
    );
    const fs = new MemoryFileSystem({
      ...files(webClean),
      'docker-compose.yml': compose + '\n  broken: [unclosed\n',
      'DOCKER_MODULARIZATION_ROADMAP.md': modular,
    });
    const result = new Analyzer(fs, {
      rules: [parseError, installOutsideBase, roadmapClaimViolated, roadmapClaimSatisfied],
    }).analyze();
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, f.path]),
      [['parse-error', 'docker-compose.yml']],
    );
    const item = roadmapStatus(result).sections[0]!.items.find((i) => i.item.id === 'dockerfiles-minimal')!;
    assert.deepEqual(
      [item.state, item.detail],
      ['na', 'Not checked: docker-compose.yml does not parse; checked again once it does.'],
    );
    // A Dockerfile that does not parse still fails it.
    fs.write('docker/Dockerfile.web', '# no FROM\n');
    const broken = new Analyzer(fs, { rules: [parseError, roadmapClaimViolated] }).analyze();
    assert.deepEqual(
      broken.findings.filter((f) => f.ruleId === 'roadmap-claim-violated').map((f) => f.message),
      [
        'Unexpected [x]: "Review and update all Dockerfiles to ensure" is not true of the workspace yet (1 sub-item not done: "All Dockerfiles are modular, minimal and follow best practices").',
        'Unexpected [x]: "All Dockerfiles are modular, minimal and follow best practices" is not true of the workspace yet (1 parse-error).',
      ],
    );
  });
  it('is silenced by the comments its documentation shows', () => {
    // Before, the documentation said `<!-- -->` comments were not read, and showed none.
    const doc = readFileSync('docs/rules/roadmap-claim-violated.md', 'utf8');
    const example = /## Silencing\n[\s\S]*?```md\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'no Markdown example under Silencing');
    const silenced = `# Docker & DevOps Modularization Roadmap\n\n## 1. Shared Base Image\n\n${example}`;
    const fs = new MemoryFileSystem({ ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': silenced });
    const result = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze();
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['install-outside-base'],
    );
    // Without the comments both items are reported.
    fs.write('DOCKER_MODULARIZATION_ROADMAP.md', silenced.replace(/ ?<!--[^>]*-->\n?/g, ''));
    assert.equal(new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] }).analyze().findings.length, 3);
  });
  it('reads the items in the words its documentation lists: "Mount them in all relevant services at the same path"', () => {
    // Before, only "Mount these volumes …" was the item: with the wording the documentation's table
    // gives, the ticked item was no claim, and only the path mismatches were reported.
    const compose = COMPOSE.replace(
      '    volumes:\n      - static_volume:/app/staticfiles\n',
      '    volumes:\n      - static_volume:/app/staticfiles\n      - logs_volume:/app/logs\n',
    )
      .replace(
        '    command: celery -A smarthr360 worker -l info\n    env_file: .env.docker\n',
        '    command: celery -A smarthr360 worker -l info\n    env_file: .env.docker\n    volumes:\n      - logs_volume:/var/log/app\n',
      )
      .replace('  ml_models_volume:\n', '  ml_models_volume:\n  logs_volume:\n');
    const doc = (item: string) => `# Docker & DevOps Modularization Roadmap

## 2. Centralize Static Assets and Artifacts

- [x] ${item}
`;
    const claims = (item: string) =>
      new Analyzer(
        new MemoryFileSystem({
          ...ROADMAP_WORKSPACE,
          'docker-compose.yml': compose,
          'DOCKER_MODULARIZATION_ROADMAP.md': doc(item),
        }),
        {
          rules: [sharedVolumePathMismatch, roadmapClaimViolated],
        },
      )
        .analyze()
        .findings.map((f) => [f.ruleId, f.path, f.range.start.line + 1]);
    const expected = (line: number) => [
      ['roadmap-claim-violated', 'DOCKER_MODULARIZATION_ROADMAP.md', line],
      ['shared-volume-path-mismatch', 'docker-compose.yml', 16],
      ['shared-volume-path-mismatch', 'docker-compose.yml', 27],
    ];
    assert.deepEqual(claims('Mount these volumes in all relevant services at the same path.'), expected(5));
    assert.deepEqual(claims('Mount them in all relevant services at the same path.'), expected(5));
    assert.deepEqual(claims('Shared volumes are mounted at the same path in every service that uses them.'), expected(5));
  });
  it('updates when the file that broke the promise is fixed (incremental run)', () => {
    const fs = new MemoryFileSystem(files(webInstalls));
    const analyzer = new Analyzer(fs, { rules: [installOutsideBase, roadmapClaimViolated] });
    assert.equal(analyzer.analyze().findings.filter((f) => f.ruleId === 'roadmap-claim-violated').length, 3);
    fs.write('docker/Dockerfile.web', webClean);
    assert.equal(analyzer.analyze().findings.filter((f) => f.ruleId === 'roadmap-claim-violated').length, 0);
  });
  it('a struck-through ticked item is no claim: check does not report it, and status does not count it as unverified', () => {
    // Before, check ignored it but status said "1 ticked item … is not verified" for it.
    const webCopiesFirst = `FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["gunicorn", "smarthr360.wsgi:application"]
`;
    const dropped = roadmap.replace(
      '## 7. Centralized Testing and Linting\n',
      [
        '## 6. Image build order\n',
        '- [x] ~~Order Dockerfile steps so that code is copied last, after dependencies are installed.~~',
        '- [x] ~~Order Dockerfile steps so that code is copied last.~~ _(dropped: the images are rebuilt from scratch)_',
        '- [x] ~~Copy application code last~~ Dropped.',
        '- [x] ~~Pin the base image digest~~ Smoke-test every image by hand before a release.',
        '',
        '## 7. Centralized Testing and Linting\n',
      ].join('\n'),
    );
    const fs = new MemoryFileSystem({ ...files(webCopiesFirst), 'DOCKER_MODULARIZATION_ROADMAP.md': dropped });
    const result = new Analyzer(fs, { rules: [copyBeforeInstall, roadmapClaimViolated] }).analyze();
    assert.deepEqual(
      result.findings.map((f) => f.ruleId),
      ['copy-before-install'],
      'the struck-through items are no claim check reports',
    );
    const status = roadmapStatus(result);
    const item = status.sections.flatMap((s) => s.items).find((i) => i.item.id === 'copy-code-last')!;
    assert.equal(item.state, 'fail');
    // Only the item that still claims something, in words no check reads: the words after the struck ones.
    const line = (text: string) => dropped.split('\n').findIndex((l) => l.includes(text));
    assert.deepEqual(
      status.unread?.claims.map((c) => c.line),
      [line('Smoke-test every image')],
    );
  });
});

describe('roadmap parent items, headings and titles', () => {
  const claimRules = [installOutsideBase, roadmapClaimViolated, roadmapClaimSatisfied];
  /** The web image installs requirements-web.txt, which no fix moves (the base build lacks it). */
  const webRequirements = `FROM smarthr360-base:latest
WORKDIR /app
COPY requirements-web.txt .
RUN pip install --no-cache-dir -r requirements-web.txt
COPY . .
`;

  it('a ticked parent whose own item holds, over a sub-item that fails: unticked once, and --fix settles', () => {
    // Before, roadmap-claim-violated unticked the parent and roadmap-claim-satisfied ticked it back
    // (its own item, the network one, holds): every --fix ran ten passes and left it ticked.
    const doc = `# Roadmap

- [x] Ensure all services are on the same Docker Compose network (\`smarthr360-network\`).
  - [x] Only \`Dockerfile.base\` installs system dependencies and requirements.
`;
    const fs = new MemoryFileSystem({
      ...files(webRequirements),
      'requirements-web.txt': 'gunicorn==22.0.0\n',
      'DOCKER_MODULARIZATION_ROADMAP.md': doc,
    });
    const passes = fixPasses(fs, () => new Analyzer(fs, { rules: claimRules }).analyze().findings);
    assert.equal(passes, 1);
    assert.equal(fs.readFile('DOCKER_MODULARIZATION_ROADMAP.md'), doc.replaceAll('[x]', '[ ]'));
  });

  it('a heading ends the list before it: the item after it is no sub-item of the one before', () => {
    // Before, "B" became a sub-item of "A", and A was reported for it.
    const doc = `# Roadmap

- [x] Create a dedicated CI/CD pipeline stage or container for running tests, linting, and security checks.
## 1. Shared base image
  - [x] Only \`Dockerfile.base\` installs system dependencies and requirements.
`;
    const fs = new MemoryFileSystem({ ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': doc });
    const claims = new Analyzer(fs, { rules: claimRules })
      .analyze()
      .findings.filter((f) => f.ruleId === 'roadmap-claim-violated');
    assert.deepEqual(
      claims.map((f) => f.range.start.line + 1),
      [5],
    );
  });

  it('names a parent by its text, underscores in names and nested parentheses kept apart', () => {
    // Before: "Wire up celeryworker and celerybeat on smarthr360network)".
    const doc = `# Roadmap

- [x] Wire up \`celery_worker\` and \`celery_beat\` on **smarthr360_network** (see \`docker-compose.yml\` (services)):
  - [x] Only \`Dockerfile.base\` installs system dependencies and requirements.
`;
    const fs = new MemoryFileSystem({ ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': doc });
    const parent = new Analyzer(fs, { rules: claimRules }).analyze().findings.find((f) => f.range.start.line === 2);
    assert.match(
      parent?.message ?? '',
      /^Unexpected \[x\]: "Wire up celery_worker and celery_beat on smarthr360_network" is not true/,
    );
  });
});

RuleTester.run(roadmapClaimViolated, {
  valid: [
    {
      name: 'a roadmap with no checked item that maps to a rule',
      files: { ...files(webInstalls), 'DOCKER_MODULARIZATION_ROADMAP.md': '# Roadmap\n\n- [x] Back up the Dockerfiles.\n' },
    },
    {
      name: 'an unchecked item is not a claim',
      files: {
        ...files(webInstalls),
        'DOCKER_MODULARIZATION_ROADMAP.md': '# Roadmap\n\n- [ ] Only `Dockerfile.base` installs system dependencies.\n',
      },
    },
    {
      name: 'checkboxes inside a code fence are examples, not claims',
      files: {
        ...files(webInstalls),
        'DOCKER_MODULARIZATION_ROADMAP.md':
          '# Roadmap\n\n```md\n- [x] Only `Dockerfile.base` installs system dependencies.\n```\n',
      },
    },
  ],
  invalid: [],
});
