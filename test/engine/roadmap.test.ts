import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import { matchItem, readCheckboxes, roadmapStatus, ROADMAP_ITEMS, ROADMAP_SECTIONS } from '../../server/src/engine/roadmap';
import { RULES } from '../../server/src/engine/rules';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { EXAMPLE, loadFolder } from '../loadFolder';
import { PLATFORM_README, STACKS_WORKSPACE } from '../rules/workspaces/stacks';
import { BASE_SERVICE, COMPOSE, ML_DOCKERFILE, NGINX_SERVICE, ROADMAP_WORKSPACE } from '../rules/workspaces/roadmap';
import { DEFAULT_EXEMPT_IMAGES } from '../../server/src/engine/config';

/** The item each line is read as (undefined: none). */
const ids = (lines: string[]): (string | undefined)[] => lines.map((l) => matchItem(l)?.id);

describe('roadmap status', () => {
  it('has all ten sections, and every item maps to rules that exist or is manual', () => {
    const result = new Analyzer(loadFolder(EXAMPLE)).analyze();
    const status = roadmapStatus(result);
    assert.deepEqual(
      status.sections.map((s) => s.section.section),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(ROADMAP_SECTIONS.length, 10);
    const ids = new Set(RULES.map((r) => r.id));
    for (const item of ROADMAP_ITEMS) {
      assert.ok(item.manual || item.rules.length > 0, item.id);
      for (const r of item.rules) {
        assert.ok(ids.has(r), `${item.id} names unknown rule ${r}`);
      }
    }
  });

  it('shows the example failing section 1 with counts and locations, and passing after the fixes', () => {
    const fs = loadFolder(EXAMPLE);
    const analyzer = new Analyzer(fs);
    const before = roadmapStatus(analyzer.analyze());
    const s1 = before.sections[0]!;
    const installs = s1.items.find((i) => i.item.id === 'base-only-installs')!;
    assert.equal(installs.state, 'fail');
    assert.equal(installs.findings.length, 7);
    assert.deepEqual(installs.findings.map((f) => `${f.path}:${f.range.start.line + 1}`).slice(0, 3), [
      'docker/Dockerfile.celery:4',
      'docker/Dockerfile.celery:4',
      'docker/Dockerfile.flower:3',
    ]);
    const manual = before.sections[8]!.items.map((i) => i.state);
    assert.deepEqual(manual, ['manual']);
    // Apply every install-outside-base fix (several passes, as --fix does).
    for (let pass = 0; pass < 10; pass++) {
      const r = analyzer.analyze();
      const fixes = r.findings.filter((f) => f.ruleId === 'install-outside-base' && f.fixable).map((f) => f.fix!()!);
      if (fixes.length === 0) {
        break;
      }
      const out = applyFixes(fixes, (p) => fs.readFile(p));
      for (const [p, t] of out.files) {
        if (t === null) {
          fs.delete(p);
        } else {
          fs.write(p, t);
        }
      }
    }
    const after = roadmapStatus(analyzer.analyze());
    const installsAfter = after.sections[0]!.items.find((i) => i.item.id === 'base-only-installs')!;
    assert.equal(installsAfter.state, 'pass');
    // No service image of the example installs what Dockerfile.base does: "no redundant installs"
    // passed before the fixes too (before, the seven installs outside the base failed it).
    assert.equal(s1.items.find((i) => i.item.id === 'no-redundant-installs')!.state, 'pass');
    assert.equal(after.sections[0]!.passed, before.sections[0]!.passed + 1);
  });

  it('marks items not applicable when the workspace has nothing for them, and when their rules are off', () => {
    const fs = loadFolder(EXAMPLE);
    for (const p of fs.listFiles()) {
      if (/compose/.test(p)) {
        fs.delete(p);
      }
    }
    const status = roadmapStatus(new Analyzer(fs, { overrides: { rules: { 'copy-before-install': 'off' } } }).analyze());
    const volumes = status.sections[1]!.items.find((i) => i.item.id === 'volumes-defined')!;
    assert.equal(volumes.state, 'na');
    const order = status.sections[7]!.items.find((i) => i.item.id === 'copy-code-last')!;
    assert.equal(order.state, 'na');
    assert.match(order.detail, /switched off/);
  });

  it('fails "built FROM the base" without a base, and passes nothing a stack without volumes or a base has nothing of', () => {
    // Before, a Django web and worker each FROM python, no base and no volume anywhere, passed
    // "Service Dockerfiles are built FROM the base image" and both volume items.
    const app =
      'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n';
    const files = {
      'web/Dockerfile': `${app}CMD ["gunicorn", "app.wsgi"]\n`,
      'worker/Dockerfile': `${app}CMD ["celery", "-A", "app", "worker"]\n`,
      'web/requirements.txt': 'django==5.0\n',
      'worker/requirements.txt': 'celery==5.4\n',
      'docker-compose.yml':
        'services:\n  web:\n    build: ./web\n  worker:\n    build: ./worker\n  nginx:\n    image: nginx:1.27-alpine\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n',
    };
    const item = (status: ReturnType<typeof roadmapStatus>, id: string) =>
      status.sections.flatMap((s) => s.items).find((i) => i.item.id === id)!;
    const status = roadmapStatus(new Analyzer(new MemoryFileSystem(files)).analyze());
    const fromBase = item(status, 'services-from-base');
    assert.deepEqual([fromBase.state, fromBase.findings.length], ['fail', 0]);
    assert.equal(
      fromBase.detail,
      'Not done: no base Dockerfile: 2 service Dockerfiles (web/Dockerfile, worker/Dockerfile) and nothing in the workspace builds a shared base image for them.',
    );
    for (const [id, why] of [
      ['volumes-defined', 'no service mounts a named volume and no compose file declares one'],
      ['volumes-mounted-same-path', 'no named volume is mounted by two services'],
    ]) {
      assert.deepEqual([item(status, id!).state, item(status, id!).detail], ['na', `Not applicable: ${why}.`], id);
    }
    // "Remove COPY of shared assets from Dockerfiles if using volumes": there is none (before, it passed).
    assert.deepEqual(
      [item(status, 'no-asset-copies').state, item(status, 'no-asset-copies').detail],
      ['na', 'Not applicable: no service built in the workspace mounts a named volume.'],
    );
    // Before, "not applicable": only services FROM a base counted as application services.
    assert.deepEqual(
      [item(status, 'shared-env-file').state, item(status, 'shared-env-file').detail],
      ['fail', 'Not done: 2 application services (web, worker) read no .env.docker through env_file.'],
    );
    // One service image needs no base to share; two sharing a named volume have something to check.
    const single = roadmapStatus(
      new Analyzer(new MemoryFileSystem({ ...files, 'worker/Dockerfile': 'FROM redis:7-alpine\n' })).analyze(),
    );
    assert.equal(item(single, 'services-from-base').state, 'na');
    // Before, the two install items failed on the lone image's own installs (install-outside-base
    // reported each as made outside a base) while services-from-base was not applicable.
    assert.deepEqual(
      [item(single, 'base-only-installs').state, item(single, 'base-only-installs').detail],
      ['na', 'Not applicable: no base Dockerfile, and fewer than two service images, or none installs packages.'],
    );
    // With no base, no install repeats one of the base's: "no redundant installs" has nothing to
    // check (before, it failed on the installs outside a base, base-only-installs' findings).
    for (const s of [single, status]) {
      assert.deepEqual(
        [item(s, 'no-redundant-installs').state, item(s, 'no-redundant-installs').detail],
        ['na', 'Not applicable: no base Dockerfile whose installs a service image could repeat.'],
      );
    }
    assert.deepEqual([item(status, 'base-only-installs').state, item(status, 'base-only-installs').findings.length], ['fail', 2]);
    const shared = roadmapStatus(
      new Analyzer(
        new MemoryFileSystem({
          ...files,
          'docker-compose.yml':
            'services:\n  web:\n    build: ./web\n    volumes: [media:/app/media]\n  worker:\n    build: ./worker\n    volumes: [media:/app/media]\nvolumes:\n  media:\n',
        }),
      ).analyze(),
    );
    assert.deepEqual(
      ['volumes-defined', 'volumes-mounted-same-path', 'no-asset-copies'].map((id) => item(shared, id).state),
      ['pass', 'pass', 'pass'],
    );
    // nginx takes web's mounts through volumes_from: the volume is shared.
    const sidecar = roadmapStatus(
      new Analyzer(
        new MemoryFileSystem({
          ...files,
          'docker-compose.yml':
            'services:\n  web:\n    build: ./web\n    volumes: [static:/app/static]\n  nginx:\n    image: nginx:1.27-alpine\n    volumes_from: [web:ro]\nvolumes:\n  static:\n',
        }),
      ).analyze(),
    );
    assert.equal(item(sidecar, 'volumes-mounted-same-path').state, 'pass');
  });

  it('fails "no redundant installs" only on installs of what the base already installs', () => {
    // Before, every install-outside-base finding failed it: an ML image that installs a package the
    // base does not (base-only-installs' concern) was shown as re-installing what the base has, and
    // roadmap-claim-violated asked to untick "No redundant installs" _(Verified)_ for it.
    const roadmap = [
      '# Docker & DevOps Modularization Roadmap',
      '',
      '## 1. Shared Base Image',
      '',
      '- [x] Only `Dockerfile.base` installs system dependencies and requirements. _(Verified)_',
      '- [x] No redundant `pip install` or system package installs in service Dockerfiles. _(Verified)_',
      '',
    ].join('\n');
    const run = (ml: string) => {
      const files = { ...ROADMAP_WORKSPACE, 'docker/Dockerfile.ml': ml, 'DOCKER_MODULARIZATION_ROADMAP.md': roadmap };
      const result = new Analyzer(new MemoryFileSystem(files)).analyze();
      const items = roadmapStatus(result).sections.flatMap((s) => s.items);
      const state = (id: string) => items.find((i) => i.item.id === id)!;
      return {
        items: ['base-only-installs', 'no-redundant-installs'].map((id) => [
          id,
          state(id).state,
          state(id).findings.map((f) => `${f.path}:${f.range.start.line + 1}:${f.range.start.character + 1}`),
        ]),
        violated: result.findings.filter((f) => f.ruleId === 'roadmap-claim-violated').map((f) => f.range.start.line + 1),
      };
    };
    // scikit-learn: the base does not install it.
    const extra = ML_DOCKERFILE.replace(
      'COPY --from=trainer',
      'RUN pip install --no-cache-dir scikit-learn==1.5.0\nCOPY --from=trainer',
    );
    assert.deepEqual(run(extra), {
      items: [
        ['base-only-installs', 'fail', ['docker/Dockerfile.ml:9:32']],
        ['no-redundant-installs', 'pass', []],
      ],
      violated: [5],
    });
    // Django==5.0.6 too: requirements.txt, which the base installs, has it.
    const again = ML_DOCKERFILE.replace(
      'COPY --from=trainer',
      'RUN pip install --no-cache-dir scikit-learn==1.5.0 Django==5.0.6\nCOPY --from=trainer',
    );
    assert.deepEqual(run(again), {
      items: [
        ['base-only-installs', 'fail', ['docker/Dockerfile.ml:9:32', 'docker/Dockerfile.ml:9:52']],
        ['no-redundant-installs', 'fail', ['docker/Dockerfile.ml:9:52']],
      ],
      violated: [5, 6],
    });
  });

  it('fails "every entrypoint script is documented" when the entrypoints folder has scripts and no README', () => {
    // Before, it passed: entrypoint-undocumented reads the README, and there was none to read.
    const fs = loadFolder(EXAMPLE);
    fs.delete('scripts/entrypoints/README.md');
    const documented = roadmapStatus(new Analyzer(fs).analyze())
      .sections.flatMap((s) => s.items)
      .find((i) => i.item.id === 'entrypoints-documented')!;
    assert.equal(documented.state, 'fail');
    assert.match(documented.detail, /^Not done: no README\.md in scripts\/entrypoints\/ documents the \d+ scripts there\.$/);
  });

  it('counts the services that read no shared env file stack by stack, naming a repeated name with its compose file', () => {
    // Before, services were counted by name: platform's web and worker and tools' web and worker were
    // two services, and the detail said "3 application services (web, worker, beat)" for five.
    const stack = (names: string[]) =>
      'services:\n' +
      names
        .map((n) => `  ${n}:\n    build: {context: ., dockerfile: docker/Dockerfile.${n}}\n    env_file: [secrets.env]\n`)
        .join('');
    const image = (cmd: string) =>
      `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nCMD ${cmd}\n`;
    const files: Record<string, string> = {
      '.env.docker': 'DJANGO_SETTINGS_MODULE=platform.settings\n',
      'platform/docker-compose.yml': stack(['web', 'worker', 'beat']),
      'platform/docker/Dockerfile.web': image('["gunicorn", "platform.wsgi"]'),
      'platform/docker/Dockerfile.worker': image('["celery", "-A", "platform", "worker"]'),
      'platform/docker/Dockerfile.beat': image('["celery", "-A", "platform", "beat"]'),
      'platform/requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
      'platform/secrets.env': 'DB_PASSWORD=change-me\n',
      'tools/docker-compose.yml': stack(['web', 'worker']),
      'tools/docker/Dockerfile.web': image('["uvicorn", "tools.app:app"]'),
      'tools/docker/Dockerfile.worker': image('["rq", "worker"]'),
      'tools/requirements.txt': 'fastapi==0.111.0\nrq==1.16.2\n',
      'tools/secrets.env': 'API_TOKEN=change-me\n',
    };
    const item = roadmapStatus(new Analyzer(new MemoryFileSystem(files)).analyze())
      .sections.flatMap((s) => s.items)
      .find((i) => i.item.id === 'shared-env-file')!;
    assert.deepEqual(
      [item.state, item.unmet],
      [
        'fail',
        // Each stack's own shared env file, as env-file-missing asks for it (secrets.env makes platform/
        // and tools/ stacks of their own): before, the root's .env.docker.
        '5 application services (web of platform/docker-compose.yml, worker of platform/docker-compose.yml, beat, …) read no shared env file of their stack (platform/.env.docker, tools/.env.docker) through env_file',
      ],
    );
    // Names that do not repeat stay bare.
    delete files['tools/docker-compose.yml'];
    const one = roadmapStatus(new Analyzer(new MemoryFileSystem(files)).analyze())
      .sections.flatMap((s) => s.items)
      .find((i) => i.item.id === 'shared-env-file')!;
    assert.equal(one.unmet, '3 application services (web, worker, beat) read no platform/.env.docker through env_file');
  });

  it('leaves the services on exempt images out of "every application service uses the shared env file", as env-file-missing does', () => {
    // Before, a service on an image of exemptImages was counted as an application service that reads
    // no shared env file: the item failed where env-file-missing, which skips such images, reported nothing.
    const sharedEnv = (files: Record<string, string>) => {
      const result = new Analyzer(new MemoryFileSystem({ ...ROADMAP_WORKSPACE, ...files })).analyze();
      const i = roadmapStatus(result)
        .sections.flatMap((s) => s.items)
        .find((x) => x.item.id === 'shared-env-file')!;
      return [i.state, i.unmet, result.findings.filter((f) => f.ruleId === 'env-file-missing').length];
    };
    // The docs server: built FROM python (not the base), its image exempted by name in the config.
    const docs = {
      'docker-compose.yml': COMPOSE.replace(
        NGINX_SERVICE,
        `${NGINX_SERVICE}\n  docs:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.docs\n    image: smarthr360-docs:latest\n    ports:\n      - "8001:8000"\n`,
      ),
      'docker/Dockerfile.docs':
        'FROM python:3.12-slim\nWORKDIR /docs\nCOPY docs/ .\nCMD ["python", "-m", "http.server", "8000"]\n',
      'docs/index.html': '<h1>SmartHR360</h1>\n',
    };
    assert.deepEqual(sharedEnv(docs), ['fail', '1 application service (docs) reads no .env.docker through env_file', 0]);
    const exempt = JSON.stringify({ exemptImages: [...DEFAULT_EXEMPT_IMAGES, 'smarthr360-docs'] });
    assert.deepEqual(sharedEnv({ ...docs, '.docker-modularity.json': exempt }), ['pass', undefined, 0]);
    // nginx built FROM the workspace's own nginx image (built FROM nginx): exempt as its runtime is.
    const proxy = {
      'docker-compose.yml': COMPOSE.replace(
        BASE_SERVICE,
        `${BASE_SERVICE}\n  nginx-base:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.nginx-base\n    image: smarthr360-nginx:latest\n    profiles: ["build"]\n`,
      ),
      'docker/Dockerfile.nginx-base': 'FROM nginx:1.27-alpine\nRUN rm /etc/nginx/conf.d/default.conf\n',
      'docker/Dockerfile.nginx': 'FROM smarthr360-nginx:latest\nCOPY nginx/nginx.conf /etc/nginx/nginx.conf\n',
    };
    assert.deepEqual(sharedEnv(proxy), ['pass', undefined, 0]);
  });

  it('reads "every entrypoint script is documented" folder by folder in a monorepo, each stack\'s own included', () => {
    // Before, only the workspace's scripts/entrypoints/README.md counted: with a README in each stack
    // the item failed ("no README.md in scripts/entrypoints/ documents the 6 entrypoint scripts the
    // images copy"), and a root README holding only a title passed it over platform's undocumented worker.sh.
    const documented = (files: Record<string, string>) => {
      const i = roadmapStatus(new Analyzer(new MemoryFileSystem(files)).analyze())
        .sections.flatMap((s) => s.items)
        .find((x) => x.item.id === 'entrypoints-documented')!;
      return [i.state, i.unmet, i.findings.map((f) => `${f.path}:${f.range.start.line + 1}`)];
    };
    assert.deepEqual(documented({ ...STACKS_WORKSPACE }), ['pass', undefined, []]);
    const withRoot = { ...STACKS_WORKSPACE, 'scripts/entrypoints/README.md': '# Entrypoints\n' };
    assert.deepEqual(documented(withRoot), ['pass', undefined, []]);
    const noWorker = PLATFORM_README.replace('## worker.sh\nWaits for Redis, then starts Celery.\n\n', '');
    assert.deepEqual(documented({ ...withRoot, 'platform/scripts/entrypoints/README.md': noWorker }), [
      'fail',
      undefined,
      ['platform/scripts/entrypoints/README.md:1'],
    ]);
    const noReadme: Record<string, string> = { ...withRoot };
    delete noReadme['platform/scripts/entrypoints/README.md'];
    assert.deepEqual(documented(noReadme), [
      'fail',
      'no README.md in platform/scripts/entrypoints/ documents the 3 scripts there',
      [],
    ]);
    delete noReadme['tools/scripts/entrypoints/README.md'];
    assert.deepEqual(documented(noReadme), [
      'fail',
      'no README.md in platform/scripts/entrypoints/ or tools/scripts/entrypoints/ documents the 5 scripts there',
      [],
    ]);
  });

  it('reads the entrypoint scripts an image copies from outside every entrypoints folder stack by stack', () => {
    // Before, a README in any stack's entrypoints folder passed the item for every stack: tools/, whose
    // images copy tools/entrypoint.sh from its own root and which has no entrypoints folder, had
    // nothing documenting the script, and the item passed on platform/'s and ml/'s READMEs.
    const tools = (cmd: string) =>
      `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY entrypoint.sh /usr/local/bin/entrypoint.sh\nCOPY app/ /app/app/\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ${cmd}\n`;
    const files: Record<string, string> = {
      ...STACKS_WORKSPACE,
      'tools/docker/Dockerfile.web': tools('["uvicorn", "tools.app:app"]'),
      'tools/docker/Dockerfile.worker': tools('["rq", "worker"]'),
      'tools/entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
    };
    for (const f of Object.keys(files).filter((f) => f.startsWith('tools/scripts/'))) {
      delete files[f];
    }
    const documented = (fs: Record<string, string>) => {
      const i = roadmapStatus(new Analyzer(new MemoryFileSystem(fs)).analyze())
        .sections.flatMap((s) => s.items)
        .find((x) => x.item.id === 'entrypoints-documented')!;
      return [i.state, i.unmet];
    };
    assert.deepEqual(documented(files), [
      'fail',
      'no README.md in tools/scripts/entrypoints/ documents the 1 entrypoint script the images copy (tools/entrypoint.sh)',
    ]);
    // A README in the workspace's own folder documents no stack's script either.
    assert.deepEqual(
      documented({ ...files, 'scripts/entrypoints/README.md': '# Entrypoints\n\n## entrypoint.sh\nStarts the app.\n' }),
      [
        'fail',
        'no README.md in tools/scripts/entrypoints/ documents the 1 entrypoint script the images copy (tools/entrypoint.sh)',
      ],
    );
    // tools/ documents its own: the item passes.
    const readme = '# Tools entrypoints\n\n## entrypoint.sh\nStarts the API or the RQ worker.\n';
    assert.deepEqual(documented({ ...files, 'tools/scripts/entrypoints/README.md': readme }), ['pass', undefined]);
    // Two stacks that copy their own: both named.
    const ml: Record<string, string> = {
      ...files,
      'ml/docker/Dockerfile.serve': tools('["uvicorn", "ml.serve:app"]'),
      'ml/entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
    };
    for (const f of Object.keys(ml).filter((f) => f.startsWith('ml/scripts/'))) {
      delete ml[f];
    }
    assert.deepEqual(documented(ml), [
      'fail',
      'no README.md in ml/scripts/entrypoints/ or tools/scripts/entrypoints/ documents the 2 entrypoint scripts the images copy (ml/entrypoint.sh, tools/entrypoint.sh)',
    ]);
    // A compose file in docker/ that builds from the workspace root is the workspace's stack: the
    // root's README documents the script it copies.
    const docker = {
      'docker/docker-compose.yml': 'services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/Dockerfile.web\n',
      'docker/Dockerfile.web': tools('["gunicorn", "shop.wsgi"]').replace('COPY entrypoint.sh', 'COPY docker/entrypoint.sh'),
      'docker/entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
      'requirements.txt': 'Django==5.0.6\n',
    };
    assert.deepEqual(documented(docker), [
      'fail',
      'no README.md in scripts/entrypoints/ documents the 1 entrypoint script the images copy (docker/entrypoint.sh)',
    ]);
    assert.deepEqual(
      documented({ ...docker, 'scripts/entrypoints/README.md': '# Entrypoints\n\n## entrypoint.sh\nStarts Gunicorn.\n' }),
      ['pass', undefined],
    );
  });

  it('does not pass an item one of whose rules is switched off and would find something', () => {
    // Before, `--rule shared-volume-missing=off` left shared-volume-path-mismatch finding nothing:
    // the item passed, and roadmap-claim-satisfied (and --fix) ticked it.
    const dockerfile = 'FROM shop-base:latest\nCOPY . /app\n';
    const files = {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django==5.0.6\n',
      'web/Dockerfile': dockerfile,
      'worker/Dockerfile': dockerfile,
      'beat/Dockerfile': dockerfile,
      'docker-compose.yml': [
        'services:',
        '  base:',
        '    build: {context: ., dockerfile: Dockerfile.base}',
        '    image: shop-base:latest',
        '  web:',
        '    build: ./web',
        '    volumes: [media:/app/media]',
        '  worker:',
        '    build: ./worker',
        '    volumes: [media:/app/media]',
        '  beat:',
        '    build: ./beat',
        'volumes:',
        '  media:',
        '',
      ].join('\n'),
      'DOCKER_MODULARIZATION_ROADMAP.md': '# Roadmap\n\n- [ ] Mount these volumes in all relevant services at the same path.\n',
    };
    const state = (rules: Record<string, 'off'>) => {
      const result = new Analyzer(new MemoryFileSystem(files), { overrides: { rules } }).analyze();
      const i = roadmapStatus(result)
        .sections.flatMap((s) => s.items)
        .find((x) => x.item.id === 'volumes-mounted-same-path')!;
      return [i.state, i.detail, result.findings.filter((f) => f.ruleId === 'roadmap-claim-satisfied').length];
    };
    assert.equal(state({})[0], 'fail');
    assert.deepEqual(state({ 'shared-volume-missing': 'off' }), [
      'na',
      'Not checked in full: shared-volume-missing switched off.',
      0,
    ]);
  });

  it('fails "every entrypoint script is documented" when the images copy scripts from elsewhere and no README exists', () => {
    // Before, it passed: the entrypoints folder held no script, so nothing was found undocumented.
    const files = {
      'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django==5.0.6\n',
      'docker/Dockerfile.web':
        'FROM shop-base:latest\nWORKDIR /app\nCOPY entrypoint.sh /sbin/entrypoint.sh\nCOPY . .\nENTRYPOINT ["/sbin/entrypoint.sh"]\n',
      'entrypoint.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
      'docker-compose.yml':
        'services:\n  base:\n    build: {context: ., dockerfile: Dockerfile.base}\n    image: shop-base:latest\n  web:\n    build: {context: ., dockerfile: docker/Dockerfile.web}\n',
    };
    const documented = roadmapStatus(new Analyzer(new MemoryFileSystem(files)).analyze())
      .sections.flatMap((s) => s.items)
      .find((i) => i.item.id === 'entrypoints-documented')!;
    assert.deepEqual(
      [documented.state, documented.detail],
      [
        'fail',
        'Not done: no README.md in scripts/entrypoints/ documents the 1 entrypoint script the images copy (entrypoint.sh).',
      ],
    );
  });

  it('passes nothing a single-image project has nothing of, and asks to tick none of it', () => {
    // Before, eleven items passed there (no base, no install, no variable, one service), and
    // roadmap-claim-satisfied asked to tick them all, --fix included.
    const roadmap = (fs: MemoryFileSystem): string => fs.readFile('DOCKER_MODULARIZATION_ROADMAP.md')!;
    const example = loadFolder(EXAMPLE);
    const fs = new MemoryFileSystem({
      Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n',
      'main.py': 'print("hello")\n',
      'docker-compose.yml': 'services:\n  app:\n    build: .\n',
      'DOCKER_MODULARIZATION_ROADMAP.md': roadmap(example).replace(/- \[x\]/g, '- [ ]'),
    });
    const result = new Analyzer(fs).analyze();
    const state = (id: string) =>
      roadmapStatus(result)
        .sections.flatMap((s) => s.items)
        .find((i) => i.item.id === id)!.state;
    const ids = ['base-only-installs', 'no-redundant-installs', 'secrets-apart', 'env-templates', 'one-network', 'service-names'];
    for (const id of ids) {
      assert.equal(state(id), 'na', id);
    }
    const titles = ROADMAP_ITEMS.filter((i) => ids.includes(i.id)).map((i) => `"${i.title}"`);
    const ticks = result.findings.filter((f) => f.ruleId === 'roadmap-claim-satisfied').map((f) => f.message);
    assert.ok(ticks.length > 0, 'what does hold is still offered (a multi-stage-free Dockerfile copies code last, …)');
    assert.deepEqual(
      ticks.filter((m) => titles.some((t) => m.includes(t))),
      [],
    );
  });

  it('passes nothing in a folder with no Dockerfile, compose file or env file', () => {
    // Before, the two environment items passed there ("2 of 2 checkable items pass").
    const status = roadmapStatus(
      new Analyzer(new MemoryFileSystem({ 'README.md': '# notes\n', 'app/main.py': 'print(1)\n' })).analyze(),
    );
    assert.deepEqual([status.passed, status.checkable], [0, 0]);
    assert.ok(status.sections[3]!.items.every((i) => i.state === 'na'));
  });
});

describe('roadmap status while a compose file does not parse', () => {
  const FOLLOWING = join(__dirname, '..', 'fixtures', 'roadmap-following');
  /** A test compose file with a key indented one space short: it does not parse. */
  const BROKEN =
    'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n     target: test\n    command: pytest\n';

  it('leaves unchecked only the items whose rules read compose files, naming the file; the others are checked', () => {
    // Before, all 19 items were "not checked" (0 of 0), the order of a Dockerfile's steps too.
    const fs = loadFolder(FOLLOWING);
    fs.write('docker-compose.test.yml', BROKEN);
    const items = roadmapStatus(new Analyzer(fs).analyze()).sections.flatMap((s) => s.items);
    const state = (id: string) => items.find((i) => i.item.id === id)!;
    assert.deepEqual(
      items.filter((i) => i.state === 'pass').map((i) => i.item.id),
      ['entrypoints-documented', 'copy-code-last'],
    );
    assert.deepEqual(
      [state('one-network').state, state('one-network').detail],
      ['na', 'Not checked: docker-compose.test.yml does not parse; checked again once it does.'],
    );
    assert.equal(items.filter((i) => i.state === 'na').length, 17);
    // And they fail when their files say so (an item with findings fails whatever compose file does not parse).
    fs.write(
      'docker/Dockerfile.celery',
      fs
        .readFile('docker/Dockerfile.celery')!
        .replace(/\nCMD /, '\nCOPY . /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCMD '),
    );
    fs.delete('scripts/entrypoints/README.md');
    const after = roadmapStatus(new Analyzer(fs).analyze()).sections.flatMap((s) => s.items);
    assert.deepEqual(
      after
        .filter((i) => i.item.readsCompose === false)
        .map((i) => [i.item.id, i.state, i.findings.map((f) => `${f.ruleId} ${f.path}`), i.unmet]),
      [
        ['entrypoints-documented', 'fail', [], 'no README.md in scripts/entrypoints/ documents the 2 scripts there'],
        ['copy-code-last', 'fail', ['copy-before-install docker/Dockerfile.celery'], undefined],
      ],
    );
  });
});

describe('readCheckboxes', () => {
  const lineTexts = (text: string) => readCheckboxes(text).map((b) => [b.line, b.text]);
  it('reads no checkbox inside a fence (closed only by its own kind), or an HTML comment; reads blockquoted ones', () => {
    // Before, ~~~ was closed by ```, a ```` fence by ```, and checkboxes in comments were read and edited.
    const text = [
      '~~~',
      '```',
      '- [x] in a tilde fence',
      '~~~',
      '- [x] one',
      '````',
      '```',
      '- [x] in a long fence',
      '````',
      '<!-- - [x] in a comment',
      '- [ ] still in it -->',
      '> - [x] quoted',
      '- [ ] two',
    ].join('\n');
    assert.deepEqual(lineTexts(text), [
      [4, 'one'],
      [11, 'quoted'],
      [12, 'two'],
    ]);
  });

  it('reads no checkbox in indented code or a fence at any indentation, and reads items nested 4 columns deep', () => {
    // Before, lines indented 4 columns were read as items whatever they were in, and a fence was known
    // only at 0 to 3 spaces.
    const text = [
      '- [x] Review and update **all shell scripts** to ensure:',
      '    - [x] nested 4 columns',
      '\t- [x] nested by a tab',
      '      not an item: continues the line before',
      '',
      'Example:',
      '    - [x] continues the paragraph',
      '',
      '    - [x] indented code',
      '',
      '1. [x] numbered',
      '',
      '   ~~~',
      '   - [x] fenced in the item',
      '   ~~~',
      '',
      '       - [x] code in the item',
      '   - [ ] nested in the numbered one',
      '> - [x] quoted',
      '>     - [x] nested in the quote',
    ].join('\n');
    assert.deepEqual(lineTexts(text), [
      [0, 'Review and update **all shell scripts** to ensure:'],
      [1, 'nested 4 columns'],
      // The line under it continues its paragraph: part of its text.
      [2, 'nested by a tab not an item: continues the line before'],
      [10, 'numbered'],
      [17, 'nested in the numbered one'],
      [18, 'quoted'],
      [19, 'nested in the quote'],
    ]);
  });

  it('knows an item by the title status shows, and fails an item whose rules found something even where it would not apply', () => {
    for (const item of ROADMAP_ITEMS) {
      assert.equal(matchItem(item.title)?.id, item.id, item.title);
    }
    // Before, an entrypoint-not-found error (Dockerfile built by a Makefile, no compose file) left the
    // item "not applicable" and its tick unflagged.
    const fs = new MemoryFileSystem({
      'Dockerfile.base': 'FROM python:3.12-slim\n',
      'docker/Dockerfile.web': 'FROM b:1\nCOPY scripts/entrypoints/web.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
      Makefile: 'all:\n\tdocker build -f Dockerfile.base -t b:1 .\n\tdocker build -f docker/Dockerfile.web -t w .\n',
    });
    const result = new Analyzer(fs).analyze();
    assert.ok(result.findings.some((f) => f.ruleId === 'entrypoint-not-found'));
    const items = roadmapStatus(result).sections.flatMap((s) => s.items);
    const owner = items.find((i) => i.item.rules.includes('entrypoint-not-found'))!;
    assert.equal(owner.state, 'fail');
  });

  it('knows an item reworded, with code spans, other file names or a slash, and drops a struck-through one', () => {
    // Before, only the roadmap's exact wording was known: each of these claims went unchecked.
    assert.deepEqual(
      ids([
        'Only `docker/Dockerfile.base` installs system dependencies and requirements.',
        'Only the base image installs system packages.',
        'Remove `COPY` of shared assets from Dockerfiles if using volumes.',
        'Use a single `.env` file for all non-sensitive environment variables.',
        'Legacy/unused Dockerfiles are archived.',
        'Remove test and lint steps from production images.',
        'Ensure all services are on the same Docker network.',
        'Define named volumes for shared assets.',
        'All service Dockerfiles start `FROM smarthr360-base:latest`.',
        'Only the database service installs extensions.',
        'Use a single `secrets.env` file for all secrets, never committed.',
        'Use a single .env.secrets file for passwords and API keys.',
      ]),
      [
        'base-only-installs',
        'base-only-installs',
        'no-asset-copies',
        'shared-env-file',
        'legacy-dockerfiles',
        'no-test-tooling',
        'one-network',
        'volumes-defined',
        'services-from-base',
        undefined,
        // Before, both were the shared env file item.
        'secrets-apart',
        'secrets-apart',
      ],
    );
    // A line about sensitive data names the secrets file whatever it is called (a configured
    // secretsFile, `.env.local`); before, "a single `.env.local` file" made it the shared env file item.
    assert.equal(
      matchItem('For sensitive data (secrets, passwords), use a single `.env.local` file (not committed).')?.id,
      'secrets-apart',
    );
    assert.equal(
      matchItem('Use a single `.env.docker` file for all non-sensitive environment variables.')?.id,
      'shared-env-file',
    );
    // Struck-through words are no claim; the rest of the line still is.
    assert.equal(matchItem('~~Only `Dockerfile.base` installs system dependencies.~~ Dropped.'), undefined);
    assert.equal(matchItem('~~Dockerfile.simple~~ Legacy or unused Dockerfiles are archived')?.id, 'legacy-dockerfiles');
    // Lines that only share words with an item are none of it.
    assert.deepEqual(
      ids([
        'Integration tests start from a clean database.',
        'Restart from a clean volume after each release.',
        'Python wheels are built from source in CI.',
        'Frontend assets are built from `node:20`.',
        'Use a single venv file per service.',
      ]),
      [undefined, undefined, undefined, undefined, undefined],
    );
  });

  it('knows an item reworded in plain words: another verb, "one" for "single", articles added', () => {
    // Before, each of these ticked items was silently no claim.
    assert.deepEqual(
      [
        'Ensure all services are on the same network.',
        'Use one `.env.docker` file for all non-sensitive environment variables.',
        'No test/lint steps in runtime images',
        'Order the Dockerfile steps so that the code is copied last',
        'Service Dockerfiles start FROM the shared base image.',
        'Use multi-stage builds: build-time work stays in builder stages.',
        'Use one `secrets.env` file for all secrets.',
      ].map((l) => matchItem(l)?.id),
      [
        'one-network',
        'shared-env-file',
        'no-test-tooling',
        'copy-code-last',
        'services-from-base',
        'multi-stage',
        'secrets-apart',
      ],
    );
    // Still none of these.
    assert.deepEqual(
      [
        'Add test/lint steps to the CI pipeline.',
        'Use one network per environment (staging, production).',
        'Document the multi-stage builds for contributors.',
        'The database image starts from the official postgres image.',
      ].map((l) => matchItem(l)?.id),
      [undefined, undefined, undefined, undefined],
    );
  });

  it('knows every wording the table of roadmap-claim-violated.md lists as the item it names', () => {
    // Before, nine of its 19 wordings were no item when ticked ("Mount them in all relevant services
    // at the same path", "Entrypoints documented", …): the claims went unchecked. Read from the page
    // itself, so that the table and the matchers cannot drift apart.
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'rules', 'roadmap-claim-violated.md'), 'utf8');
    const table = page.slice(page.indexOf('## Which items are checked'));
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| roadmap item'))
      .map(
        (l) =>
          l
            .split('|')
            .map((c) => c.trim())
            .slice(1, 3) as [string, string],
      );
    const checked = ROADMAP_ITEMS.filter((i) => !i.manual);
    assert.equal(rows.length, checked.length);
    rows.forEach(([wording, rules], k) => {
      const item = checked[k]!;
      for (const r of item.rules) {
        assert.ok(rules.includes(r), `${wording}: ${item.id}'s ${r}`);
      }
      // As written, and without the notes in parentheses.
      const bare = wording.replace(/\s*\([^()]*\)/g, '');
      assert.deepEqual([matchItem(wording)?.id, matchItem(bare)?.id], [item.id, item.id], wording);
    });
  });

  it('knows the items in the words a team rewords them in, and no unrelated line as one', () => {
    assert.deepEqual(
      ids([
        'No redundant installs in service Dockerfiles.',
        'No duplicate package installs in service images.',
        'Use named volumes.',
        'Use named volumes for shared assets (models, static files, logs).',
        'Declare the shared volumes in `docker-compose.yml`.',
        'Mount them in all relevant services at the same path.',
        'Mount the shared volumes at the same path in every service.',
        'Single `.env.docker` for every service.',
        'One `.env.docker` for all services, referenced through `env_file`.',
        'Secrets kept apart, in `secrets.env` (not committed).',
        'Keep secrets out of the shared env file.',
        'Variables documented in templates.',
        'All variables are documented in `.env.docker.example`.',
        'Entrypoints in `scripts/entrypoints/`.',
        'All entrypoint scripts live in `scripts/entrypoints/`.',
        'Keep the entrypoint scripts in a shared folder.',
        'Each Dockerfile copies only its entrypoint.',
        'Dockerfiles copy only their own entrypoint script.',
        'Entrypoints documented.',
        'Entrypoint scripts are documented in `scripts/entrypoints/README.md`.',
        'Document each entrypoint script in its README.',
        'Service names for inter-service communication.',
        'Use service names as hostnames (`db`, `redis`).',
      ]),
      [
        'no-redundant-installs',
        'no-redundant-installs',
        'volumes-defined',
        'volumes-defined',
        'volumes-defined',
        'volumes-mounted-same-path',
        'volumes-mounted-same-path',
        'shared-env-file',
        'shared-env-file',
        'secrets-apart',
        'secrets-apart',
        'env-templates',
        'env-templates',
        'entrypoints-shared-dir',
        'entrypoints-shared-dir',
        'entrypoints-shared-dir',
        'entrypoint-per-image',
        'entrypoint-per-image',
        'entrypoints-documented',
        'entrypoints-documented',
        'entrypoints-documented',
        'service-names',
        'service-names',
      ],
    );
    // Lines that share words with those items, and are none of them.
    assert.deepEqual(
      ids([
        'No redundant installation or configuration steps.',
        'List all entrypoint scripts and their usage.',
        'List all environment variables and how they are managed.',
        'Mount the source code at the same path in dev and CI.',
        'Use named arguments in scripts.',
        'Service names are lowercase.',
        'Keep secrets in a password manager shared with the team.',
        'Document the variables of the CI pipeline in the wiki.',
        'Entrypoints log to stdout.',
        'Rename the volumes to match the services.',
      ]),
      Array(10).fill(undefined),
    );
  });

  it('knows the rewordings a reviewer ticked that were read as no item', () => {
    // Before, each of these was no item: ticked, it was counted "not verified" and never checked.
    assert.deepEqual(
      ids([
        'Legacy Dockerfiles are archived.',
        'All services share one network.',
        'All services are on one network.',
        'Services communicate using service names.',
        'Use Docker service names instead of localhost.',
        'Dependencies are installed before the code is copied.',
        'Secrets are not committed to git.',
        'Secrets live in `secrets.env`, not in `.env.docker`.',
        'Service Dockerfiles do not re-install requirements.',
        "Don't copy ML models into images.",
      ]),
      [
        'legacy-dockerfiles',
        'one-network',
        'one-network',
        'service-names',
        'service-names',
        'copy-code-last',
        'secrets-apart',
        'secrets-apart',
        'no-redundant-installs',
        'no-asset-copies',
      ],
    );
    // Lines that share their words, and are none of them.
    assert.deepEqual(
      ids([
        'Archive the legacy CI scripts.',
        'One network per environment in the Terraform module.',
        'Services communicate over HTTPS.',
        'Dependencies are pinned.',
        'Secrets are rotated every 90 days.',
        'Do not re-install the OS on the build agents.',
        "Don't copy the README into the wiki.",
      ]),
      Array(7).fill(undefined),
    );
  });

  it('maps every item of the shared roadmap document to the check it maps to, and no other', () => {
    // The matching was made looser for rewordings: no item of the document the project keeps may
    // move to another check, or newly to one.
    const doc = readFileSync(join(EXAMPLE, 'DOCKER_MODULARIZATION_ROADMAP.md'), 'utf8');
    assert.deepEqual(
      readCheckboxes(doc).map((b) => [b.line + 1, matchItem(b.text)?.id]),
      [
        [9, undefined],
        [10, 'base-only-installs'],
        [11, 'services-from-base'],
        [12, 'no-redundant-installs'],
        [13, 'legacy-dockerfiles'],
        [14, 'dockerfiles-minimal'],
        [25, 'volumes-defined'],
        [31, 'volumes-mounted-same-path'],
        [35, 'no-asset-copies'],
        [110, 'shared-env-file'],
        [111, 'secrets-apart'],
        [112, 'env-templates'],
        [116, 'entrypoints-shared-dir'],
        [117, 'entrypoint-per-image'],
        [118, 'entrypoints-documented'],
        [124, 'one-network'],
        [125, 'service-names'],
        [126, 'network-documented'],
        [130, 'no-test-tooling'],
        [131, 'testing-documented'],
        [132, 'ci-test-stage'],
        [136, 'copy-code-last'],
        [137, 'build-practices-documented'],
        [141, 'scripts-reviewed'],
        [142, undefined],
        [143, undefined],
        [144, undefined],
        [145, undefined],
        [146, undefined],
        [147, undefined],
        [169, undefined],
        [170, undefined],
        [176, 'package-registry'],
        [177, undefined],
        [178, undefined],
        [184, undefined],
        [185, undefined],
        [186, undefined],
        [187, undefined],
        [193, undefined],
        [194, undefined],
        [195, undefined],
        [196, undefined],
        [197, undefined],
        [198, undefined],
      ],
    );
  });

  it('reads numbered checklist items too (1. [ ] and 2) [x])', () => {
    // Before, a roadmap written as a numbered list was never ticked or unticked.
    assert.deepEqual(
      readCheckboxes('1. [ ] First\n2) [x] Second\n10. [X] Tenth\n1.[ ] not a list item\n').map((b) => [
        b.line,
        b.checked,
        b.markRange.start.character,
        b.text,
      ]),
      [
        [0, false, 4, 'First'],
        [1, true, 4, 'Second'],
        // Not a list item: the last line continues the paragraph of the one before (CommonMark).
        [2, true, 5, 'Tenth 1.[ ] not a list item'],
      ],
    );
  });

  it('reads an item wrapped over several lines as one paragraph, up to a blank line, a heading or an item', () => {
    // Before, an item was its first line: "Ensure all services are on the same" matched no item.
    const text = [
      '- [x] Ensure all services are on the same',
      '      Docker Compose network (`smarthr360-network`).',
      'lazily continued _(Complete)_',
      '  - [ ] Sub-item',
      '    wrapped too',
      '## 7. Testing',
      '- [x] Order Dockerfile steps so that code is',
      '  copied last.',
      '',
      '  Another paragraph of the item.',
      '- [ ] Quoted',
      '> not the quote: continues',
      '```',
      '- [x] fenced',
      '```',
    ].join('\n');
    const boxes = readCheckboxes(text);
    assert.deepEqual(
      boxes.map((b) => [b.line, b.text, b.parts.map((p) => `${p.line}:${p.character}`).join(' ')]),
      [
        [
          0,
          'Ensure all services are on the same Docker Compose network (`smarthr360-network`). lazily continued _(Complete)_',
          '0:6 1:6 2:0',
        ],
        [3, 'Sub-item wrapped too', '3:8 4:4'],
        [6, 'Order Dockerfile steps so that code is copied last.', '6:6 7:2'],
        [10, 'Quoted not the quote: continues', '10:6 11:2'],
      ],
    );
    // The ranges stay on the checkbox's line.
    assert.deepEqual(boxes[0]!.textRange, { start: { line: 0, character: 6 }, end: { line: 0, character: 41 } });
    assert.equal(matchItem(boxes[0]!.text)?.id, 'one-network');
    assert.equal(matchItem(boxes[2]!.text)?.id, 'copy-code-last');
  });

  it('reads checked and open items with exact ranges, skipping code fences', () => {
    const text = '# R\n\n- [x] Done thing\n  - [ ] Open thing  \n```\n- [x] in a fence\n```\n* [X] star\n';
    assert.deepEqual(
      readCheckboxes(text).map((b) => [
        b.line,
        b.checked,
        b.markRange.start.character,
        b.textRange.start.character,
        b.textRange.end.character,
        b.text,
      ]),
      [
        [2, true, 3, 6, 16, 'Done thing'],
        [3, false, 5, 8, 18, 'Open thing'],
        [7, true, 3, 6, 10, 'star'],
      ],
    );
  });
});
