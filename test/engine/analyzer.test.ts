import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Analyzer } from '../../server/src/engine/analyzer';
import { ConfigError, type Config } from '../../server/src/engine/config';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { loadFolder } from '../loadFolder';
import { defineRule, type Finding } from '../../server/src/engine/rule';
import { applyFixes, staleReason } from '../../server/src/engine/fixes';
import { parseSuppressionLine } from '../../server/src/engine/suppress';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';
import { duplicateStageName } from '../../server/src/engine/rules/dockerfile/duplicateStageName';
import { unusedStage } from '../../server/src/engine/rules/dockerfile/unusedStage';
import { sharedVolumeMissing } from '../../server/src/engine/rules/compose/sharedVolumeMissing';
import { parseError } from '../../server/src/engine/rules/compose/parseError';
import { testArtifactsInRuntime } from '../../server/src/engine/rules/image/testArtifactsInRuntime';
import { serviceNotFromBase } from '../../server/src/engine/rules/dockerfile/serviceNotFromBase';

const BASE = 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y libpq5 && rm -rf /var/lib/apt/lists/*\n';
const COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
    volumes:
      - logs_volume:/app/logs
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
    volumes:
      - logs_volume:/app/logs
  celery_beat:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
volumes:
  logs_volume:
`;
const WEB = 'FROM smarthr360-base:latest\nRUN pip install gunicorn\n';
const CELERY = 'FROM smarthr360-base:latest\nRUN apt-get install -y gcc\n';
const OTHER = 'FROM python:3.12-slim\nRUN pip install flake8\n';

function files(over: Record<string, string> = {}): Record<string, string> {
  return {
    'Dockerfile.base': BASE,
    'docker-compose.yml': COMPOSE,
    'docker/Dockerfile.web': WEB,
    'docker/Dockerfile.celery': CELERY,
    'tools/Dockerfile.lint': OTHER,
    '.env.docker': 'DJANGO_SETTINGS_MODULE=smarthr360.settings\n',
    ...over,
  };
}

const RULES = [installOutsideBase, sharedVolumeMissing, duplicateStageName, parseError];
const ids = (a: Analyzer) => a.analyze().findings.map((f) => `${f.ruleId}@${f.path}:${f.range.start.line + 1}`);

describe('Analyzer', () => {
  describe('incremental runs', () => {
    it('re-parses only the edited service Dockerfile and re-checks only what depends on it', () => {
      const fs = new MemoryFileSystem(files());
      const analyzer = new Analyzer(fs, { rules: RULES });
      const first = analyzer.analyze();
      assert.deepEqual(first.stats, { parsed: 6, checked: 6, reused: 0, ruleRuns: first.stats.ruleRuns, dependencyLookups: 6 });
      const again = analyzer.analyze();
      assert.deepEqual([again.stats.parsed, again.stats.checked, again.stats.reused], [0, 0, 6]);
      fs.write('docker/Dockerfile.web', 'FROM smarthr360-base:latest\nRUN pip install gunicorn whitenoise\n');
      const edited = analyzer.analyze();
      // web itself and the compose file that builds it (its groups read web's FROM); the rest is reused.
      assert.deepEqual([edited.stats.parsed, edited.stats.checked, edited.stats.reused], [1, 2, 4]);
      assert.equal(edited.findings.filter((f) => f.path === 'docker/Dockerfile.web').length, 2);
    });

    it('re-checks the dependants of the base Dockerfile when it changes', () => {
      const fs = new MemoryFileSystem(files());
      const analyzer = new Analyzer(fs, { rules: RULES });
      analyzer.analyze();
      fs.write('Dockerfile.base', BASE.replace('libpq5', 'libpq5 gcc'));
      const r = analyzer.analyze();
      assert.equal(r.stats.parsed, 1);
      // Every file depends on the base; the env file too (it depends on the base through the project).
      assert.equal(r.stats.checked, 6);
      assert.equal(r.stats.reused, 0);
      assert.match(r.findings.find((f) => f.path === 'docker/Dockerfile.celery')!.message, /already installs it/);
    });

    it('re-checks only the base itself when an edit leaves what other files read from it unchanged', () => {
      const fs = new MemoryFileSystem(files());
      const analyzer = new Analyzer(fs, { rules: RULES });
      const before = analyzer.analyze().findings.map((f) => `${f.ruleId}@${f.path}:${f.range.start.line}`);
      // A comment and an echo: no stage, FROM or install changes, so no dependant needs re-checking.
      fs.write('Dockerfile.base', `# The shared base\n${BASE}RUN echo built\n`);
      const r = analyzer.analyze();
      assert.deepEqual([r.stats.parsed, r.stats.checked, r.stats.reused], [1, 1, 5]);
      assert.deepEqual(
        r.findings.map((f) => `${f.ruleId}@${f.path}:${f.range.start.line}`),
        before,
      );
      // A reused finding's fix still reads the base as it is now.
      const fix = r.findings.find((f) => f.ruleId === 'install-outside-base' && f.fixable)!.fix!()!;
      assert.equal(fix.basis['Dockerfile.base'], analyzer.hashOf('Dockerfile.base'));
    });

    it('an edit of one Markdown note re-checks that note only, and the entrypoints README still sees a new script', () => {
      // Before, every Markdown file depended on the content of every file of its folder: typing in
      // docs/note1.md checked the 40 other notes again.
      const fs = loadFolder('examples/smarthr360');
      const note1 = '# Note 1\n\nWhat the team decided about service 1.\n';
      for (let i = 0; i < 40; i++) {
        fs.write(`docs/note${i}.md`, `# Note ${i}\n\nWhat the team decided about service ${i}.\n`);
      }
      const analyzer = new Analyzer(fs);
      analyzer.analyze();
      fs.write('docs/note1.md', `${note1}More.\n`);
      const r = analyzer.analyze();
      assert.deepEqual([r.stats.parsed, r.stats.checked], [1, 1]);
      // A script added next to the entrypoints README (the folder's set of files changed): reported.
      fs.write('scripts/entrypoints/flower-entrypoint.sh', '#!/bin/sh\nexec celery -A smarthr360 flower\n');
      const after = analyzer.analyze();
      assert.ok(
        after.findings.some((f) => f.ruleId === 'entrypoint-undocumented' && f.message.includes('flower-entrypoint.sh')),
        after.findings.map((f) => f.message).join('\n'),
      );
    });

    it('rebuilds the project when an edit changes a FROM line', () => {
      const fs = new MemoryFileSystem(files());
      const analyzer = new Analyzer(fs, { rules: RULES });
      analyzer.analyze();
      fs.write('docker/Dockerfile.web', 'FROM python:3.12-slim\nRUN pip install gunicorn\n');
      const r = analyzer.analyze();
      // web and the compose file that builds it; the web service is no longer in the base's group.
      assert.deepEqual([r.stats.parsed, r.stats.checked], [1, 2]);
      assert.ok(
        !r.project.stageDerivesFromBase(
          r.project.dockerfile('docker/Dockerfile.web')!,
          r.project.dockerfile('docker/Dockerfile.web')!.stages[0]!,
        ),
      );
    });

    it('re-checks the Dockerfiles its services build when a compose file changes, not unrelated ones', () => {
      const fs = new MemoryFileSystem(files());
      const analyzer = new Analyzer(fs, { rules: RULES });
      analyzer.analyze();
      fs.write(
        'docker-compose.yml',
        COMPOSE.replace(
          '      - logs_volume:/app/logs\n  celery_beat',
          '      - logs_volume:/app/logs\n      - media:/app/media\n  celery_beat',
        ),
      );
      const r = analyzer.analyze();
      assert.equal(r.stats.parsed, 1);
      const checkedPaths = r.stats.checked;
      // compose, and every file it reaches: web, celery, the base (the `base` service builds it) and
      // .env.docker; only the unrelated tools/Dockerfile.lint is reused.
      assert.equal(checkedPaths, 5);
      assert.equal(r.stats.reused, 1);
    });

    it('gives the new finding when only whether it is fixable changed', () => {
      // Once the base also copies docker/celery-entrypoint.sh, moving the script would break the
      // base: entrypoint-outside-shared-dir on Dockerfile.celery is no longer fixable.
      const fs = loadFolder('examples/smarthr360');
      const analyzer = new Analyzer(fs);
      const fixable = () =>
        analyzer
          .analyze()
          .findings.filter((f) => f.ruleId === 'entrypoint-outside-shared-dir' && f.path === 'docker/Dockerfile.celery')
          .map((f) => f.fixable);
      assert.deepEqual(fixable(), [true]);
      fs.write(
        'Dockerfile.base',
        fs
          .readFile('Dockerfile.base')!
          .replace('WORKDIR /app\n', 'WORKDIR /app\nCOPY docker/celery-entrypoint.sh /entrypoint.sh\n'),
      );
      assert.deepEqual(fixable(), [false]);
    });

    it('re-checks only the compose file when an edit changes nothing other files read from it', () => {
      const labelled = COMPOSE.replace(
        '    profiles: [build]\n',
        '    profiles: [build]\n    labels:\n      com.example.team: "platform"\n',
      );
      const fs = new MemoryFileSystem(files({ 'docker-compose.yml': labelled }));
      const analyzer = new Analyzer(fs, { rules: [...RULES, unusedStage] });
      const before = analyzer.analyze();
      // Typing in a label value, and a comment at the end of a line: nothing another file reads.
      fs.write(
        'docker-compose.yml',
        labelled.replace('"platform"', '"platform-team"').replace('profiles: [build]\n', 'profiles: [build] # built once\n'),
      );
      let r = analyzer.analyze();
      // Parsed and checked: that file alone. No file's dependencies are worked out again, its own
      // included: what it reads follows from what other files read of it, which did not change.
      assert.deepEqual([r.stats.parsed, r.stats.checked, r.stats.dependencyLookups], [1, 1, 0]);
      // The same findings a fresh analysis gives.
      assert.deepEqual(ids(analyzer), ids(new Analyzer(fs, { rules: [...RULES, unusedStage] })));
      assert.ok(before.findings.length > 0);
      // A build target is read by the Dockerfile's rules (unused-stage): they run again.
      fs.write(
        'docker/Dockerfile.web',
        'FROM smarthr360-base:latest AS app\nFROM app AS debug\nFROM smarthr360-base:latest AS prod\n',
      );
      analyzer.analyze();
      for (const target of ['debug', 'app', 'prod']) {
        fs.write(
          'docker-compose.yml',
          labelled.replace(
            '      dockerfile: docker/Dockerfile.web\n',
            `      dockerfile: docker/Dockerfile.web\n      target: ${target}\n`,
          ),
        );
        r = analyzer.analyze();
        assert.ok(r.stats.checked >= 2, `checked ${r.stats.checked}`);
        assert.deepEqual(ids(analyzer), ids(new Analyzer(fs, { rules: [...RULES, unusedStage] })));
      }
      assert.deepEqual(
        r.findings.filter((f) => f.ruleId === 'unused-stage').map((f) => `${f.path}:${f.range.start.line + 1}`),
        ['docker/Dockerfile.web:2'],
      );
    });

    it('a build target typed in the compose file moves the runtime rules to the stage it names', () => {
      const rules = [...RULES, testArtifactsInRuntime, serviceNotFromBase];
      const web = `FROM python:3.12-slim AS runtime
COPY tests/ /app/tests/

FROM smarthr360-base:latest AS test
RUN pytest -q
`;
      const fs = new MemoryFileSystem(files({ 'docker/Dockerfile.web': web }));
      const analyzer = new Analyzer(fs, { rules });
      const onWeb = (): string[] => ids(analyzer).filter((id) => id.includes('Dockerfile.web'));
      // The final stage is the test image: nothing to say about it.
      assert.deepEqual(onWeb(), []);
      for (const target of ['runt', 'runtime', 'RUNTIME', 'test']) {
        fs.write(
          'docker-compose.yml',
          COMPOSE.replace(
            '      dockerfile: docker/Dockerfile.web\n',
            `      dockerfile: docker/Dockerfile.web\n      target: ${target}\n`,
          ),
        );
        assert.deepEqual(ids(analyzer), ids(new Analyzer(fs, { rules })), `target ${target}`);
      }
      fs.write(
        'docker-compose.yml',
        COMPOSE.replace(
          '      dockerfile: docker/Dockerfile.web\n',
          '      dockerfile: docker/Dockerfile.web\n      target: runtime\n',
        ),
      );
      assert.deepEqual(onWeb(), [
        'service-not-from-base@docker/Dockerfile.web:1',
        'test-artifacts-in-runtime@docker/Dockerfile.web:2',
      ]);
    });

    it('a label edit merges that compose project again in a copy of the project, leaving the last one as it was', () => {
      // Two stacks: the second one's compose file is a copy of the first in its own folder.
      const labelled = COMPOSE.replace('    profiles: [build]\n', '    profiles: [build]\n    labels:\n      team: "platform"\n');
      const fs = new MemoryFileSystem(
        files({ 'docker-compose.yml': labelled, 'ops/docker-compose.yml': labelled.replace(/context: \./g, 'context: ..') }),
      );
      const analyzer = new Analyzer(fs, { rules: RULES });
      const before = analyzer.analyze();
      const web = (r: typeof before) =>
        r.project.services.find((s) => s.name === 'web' && s.project.root.path === 'docker-compose.yml')!;
      const oldWeb = web(before);
      const oldDefs = [...oldWeb.defs];
      fs.write('docker-compose.yml', labelled.replace('"platform"', '"platform-team"'));
      const after = analyzer.analyze();
      assert.deepEqual([after.stats.parsed, after.stats.checked], [1, 1]);
      // The other stack's compose project is taken over; the edited one is new, with new services.
      const ops = (r: typeof before) => r.project.composeProjects.find((p) => p.root.path === 'ops/docker-compose.yml');
      assert.equal(ops(after), ops(before));
      assert.notEqual(web(after), oldWeb);
      assert.ok(web(after).defs.every((d) => after.project.file('docker-compose.yml') === after.project.file(d.path)));
      // The last run's services still hold the definitions their findings' fixes were computed from.
      assert.ok(oldWeb.defs.length > 0 && oldWeb.defs.every((d, i) => d === oldDefs[i]));
      // Taken over, not rebuilt: the image builds (what builds which tag) are the last project's.
      assert.equal(after.project.imageBuilds, before.project.imageBuilds);
      assert.deepEqual(ids(analyzer), ids(new Analyzer(fs, { rules: RULES })));
    });

    it('after compose edits that touch hundreds of Dockerfiles, still says which services build each one', () => {
      // A compose edit patches the project's index of services by Dockerfile; past 64 patched
      // Dockerfiles the patch is folded into a new index. Both must give the new services.
      const n = 300;
      const services = Array.from(
        { length: n },
        (_, i) =>
          `  svc${i}:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.s${i}\n    labels:\n      team: "a"\n`,
      ).join('');
      const workspace: Record<string, string> = { 'Dockerfile.base': BASE, 'docker-compose.yml': `services:\n${services}` };
      for (let i = 0; i < n; i++) {
        workspace[`docker/Dockerfile.s${i}`] = `FROM python:3.12-slim\nRUN pip install gunicorn==${i}\n`;
      }
      const fs = new MemoryFileSystem(workspace);
      const analyzer = new Analyzer(fs, { rules: RULES });
      analyzer.analyze();
      for (const team of ['b', 'c']) {
        fs.write('docker-compose.yml', `services:\n${services.replace(/team: "a"/g, `team: "${team}"`)}`);
        const r = analyzer.analyze();
        assert.equal(r.stats.parsed, 1, team);
        for (const i of [0, 150, n - 1]) {
          const built = r.project.servicesBuiltFrom(`docker/Dockerfile.s${i}`);
          assert.deepEqual(
            built.map((s) => s.name),
            [`svc${i}`],
            `${team}: Dockerfile.s${i}`,
          );
          // The services of this run's project, not the last one's.
          assert.ok(r.project.services.includes(built[0]!), `${team}: Dockerfile.s${i} gives this run's service`);
        }
      }
      assert.deepEqual(ids(analyzer), ids(new Analyzer(fs, { rules: RULES })));
    });

    it('reads a bake target again when the override file that gives its tag variable changes', () => {
      // docker-bake.hcl tags the base with ${TAG}; docker-bake.override.hcl declares TAG. An edit of
      // the override changes the tag the base is built as, though docker-bake.hcl did not change.
      const files = {
        'docker-bake.hcl': 'target "base" {\n  context    = "."\n  dockerfile = "base/Dockerfile"\n  tags       = ["ghcr.io/acme/base:${TAG}"]\n}\n',
        'docker-bake.override.hcl': '# The release being built.\nvariable "TAG" {\n  default = "2024.10"\n}\n',
        'base/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
        'requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
        'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      dockerfile: platform/Dockerfile\n',
        'platform/Dockerfile': 'FROM ghcr.io/acme/base:2024.10\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "platform.wsgi"]\n',
      };
      const fs = new MemoryFileSystem(files);
      const analyzer = new Analyzer(fs, { rules: [serviceNotFromBase] });
      assert.deepEqual(analyzer.analyze().findings, []);
      fs.write('docker-bake.override.hcl', files['docker-bake.override.hcl'].replace('2024.10', '2024.11'));
      assert.deepEqual(
        analyzer.analyze().findings.map((f) => `${f.path}: ${f.message}`),
        ['platform/Dockerfile: Expected api to be built FROM the base image ghcr.io/acme/base:2024.11, not ghcr.io/acme/base:2024.10.'],
      );
    });

    it('keeps no compose model of an earlier edit alive while typing', async () => {
      // A leak the bench found: an index keyed by service kept each edit's replaced services, and
      // through them every earlier parse of the file.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const labelled = COMPOSE.replace('    profiles: [build]\n', '    profiles: [build]\n    labels:\n      team: "platform"\n');
      const fs = new MemoryFileSystem(files({ 'docker-compose.yml': labelled }));
      const analyzer = new Analyzer(fs, { rules: RULES });
      analyzer.analyze();
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 6; i++) {
        fs.write('docker-compose.yml', labelled.replace('"platform"', `"platform-${i}"`));
        const r = analyzer.analyze();
        refs.push(new WeakRef(r.project.file('docker-compose.yml')!));
      }
      // WeakRefs hold their target until the current job ends.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      const alive = refs.map((r) => r.deref() !== undefined);
      // The last run's model (and the one before, which the analyzer compares against) may stay.
      assert.deepEqual(alive.slice(0, 4), [false, false, false, false]);
      assert.equal(alive[5], true);
    });

    it('oneShot (the CLI check) reports what an incremental analyzer reports, and keeps no dependency index', () => {
      // Findings as data (a fix is a function made per run).
      const data = (fs: readonly Finding[]) => fs.map(({ fix, ...f }) => ({ ...f, fix: typeof fix }));
      let total = 0;
      for (const folder of ['examples/smarthr360', 'test/fixtures/lsp-workspace', 'test/fixtures/roadmap-following']) {
        const fs = loadFolder(folder);
        const full = data(new Analyzer(fs).analyze().findings);
        const once = new Analyzer(fs, { oneShot: true });
        const r = once.analyze();
        total += r.findings.length;
        assert.deepEqual(data(r.findings), full, folder);
        assert.equal(r.stats.dependencyLookups, 0, folder);
        // A second run is a full one, with the same findings.
        const again = once.analyze();
        assert.deepEqual([again.stats.checked, data(again.findings)], [r.stats.checked, full], folder);
      }
      assert.ok(total > 20, `${total} findings compared`);
    });
  });

  it('keeps two findings of one rule on one range when they say different things', () => {
    // Before, only the first of the volumes celery_beat lacks was reported (findings were made
    // unique by rule, file and range), and the other's fix was lost with it.
    const compose = COMPOSE.replaceAll(
      '      - logs_volume:/app/logs\n',
      '      - logs_volume:/app/logs\n      - media_volume:/app/media\n',
    ).replace('volumes:\n  logs_volume:\n', 'volumes:\n  logs_volume:\n  media_volume:\n');
    const result = new Analyzer(new MemoryFileSystem(files({ 'docker-compose.yml': compose }))).analyze();
    const missing = result.findings
      .filter((f) => f.ruleId === 'shared-volume-missing')
      .map((f) => f.message.match(/"(\w+)"/)![1]);
    assert.deepEqual(missing.sort(), ['logs_volume', 'media_volume']);
  });

  describe('suppression comments', () => {
    it('on the line before and at the end of the line, in a Dockerfile', () => {
      const analyzer = new Analyzer(
        new MemoryFileSystem(
          files({
            'docker/Dockerfile.web':
              'FROM smarthr360-base:latest\n# docker-modularity-ignore install-outside-base\nRUN pip install gunicorn\nRUN pip install whitenoise # docker-modularity-ignore install-outside-base -- needed here\nRUN pip install celery # docker-modularity-ignore duplicate-stage-name\n',
          }),
        ),
        { rules: RULES },
      );
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('Dockerfile.web')),
        ['install-outside-base@docker/Dockerfile.web:5'],
      );
    });

    it('with no rule id and a reason after --: every rule, in a Dockerfile and in the roadmap', () => {
      // Before, "-- silence all here" was read as the ids "--", "silence", "all" and "here": the
      // comment silenced nothing, and parse-error told the user to write -- before the reason.
      const analyzer = new Analyzer(
        new MemoryFileSystem(
          files({
            'docker/Dockerfile.web':
              'FROM smarthr360-base:latest\n# docker-modularity-ignore -- the debug image needs curl\nRUN apt-get install -y curl\nRUN pip install gunicorn\n',
          }),
        ),
        { rules: RULES },
      );
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('Dockerfile.web')),
        ['install-outside-base@docker/Dockerfile.web:4'],
      );
      assert.deepEqual(
        [
          '# docker-modularity-ignore -- why',
          '<!-- docker-modularity-ignore: -- why -->',
          '# docker-modularity-ignore-file -- all of it',
        ].map((l) => parseSuppressionLine(l)?.ids.length),
        [0, 0, 0],
      );
    });

    it('on the line before a multi-line instruction: every line of it, and not the next instruction', () => {
      // Before, only the RUN's first line was covered: the packages on its continuation lines were reported.
      const web = [
        'FROM smarthr360-base:latest',
        '# docker-modularity-ignore install-outside-base -- the debug image needs them',
        'RUN apt-get update && apt-get install -y --no-install-recommends \\',
        '    # tools for the debugger',
        '    curl \\',
        '    gettext \\',
        '  && rm -rf /var/lib/apt/lists/*',
        'RUN pip install gunicorn',
        '',
      ].join('\n');
      const analyzer = new Analyzer(new MemoryFileSystem(files({ 'docker/Dockerfile.web': web })), { rules: RULES });
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('Dockerfile.web')),
        ['install-outside-base@docker/Dockerfile.web:8'],
      );
      const plain = new Analyzer(
        new MemoryFileSystem(files({ 'docker/Dockerfile.web': web.replace(/^# docker-modularity-ignore.*\n/m, '') })),
        {
          rules: RULES,
        },
      );
      assert.deepEqual(
        ids(plain).filter((i) => i.includes('Dockerfile.web')),
        [
          'install-outside-base@docker/Dockerfile.web:4',
          'install-outside-base@docker/Dockerfile.web:5',
          'install-outside-base@docker/Dockerfile.web:7',
        ],
      );
    });

    it('the -file variant, in a Dockerfile', () => {
      const analyzer = new Analyzer(
        new MemoryFileSystem(
          files({ 'docker/Dockerfile.celery': '# docker-modularity-ignore-file install-outside-base\n' + CELERY }),
        ),
        { rules: RULES },
      );
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('celery')),
        [],
      );
    });

    it('in a compose file', () => {
      const compose = COMPOSE.replace('  celery_beat:\n', '  # docker-modularity-ignore shared-volume-missing\n  celery_beat:\n');
      const analyzer = new Analyzer(new MemoryFileSystem(files({ 'docker-compose.yml': compose })), { rules: RULES });
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('compose')),
        [],
      );
      const plain = new Analyzer(new MemoryFileSystem(files()), { rules: RULES });
      assert.deepEqual(
        ids(plain).filter((i) => i.includes('compose')),
        ['shared-volume-missing@docker-compose.yml:22'],
      );
    });

    it('with a colon after the directive, in a Dockerfile and in the roadmap document', () => {
      // Before, `# docker-modularity-ignore: id` and `<!-- docker-modularity-ignore: id -->` silenced nothing, without a word.
      const web = 'FROM smarthr360-base:latest\n# docker-modularity-ignore: install-outside-base\nRUN pip install gunicorn\n';
      const celery = `# docker-modularity-ignore-file:install-outside-base -- moved to the base next sprint\n${CELERY}`;
      const fs = new MemoryFileSystem(files({ 'docker/Dockerfile.web': web, 'docker/Dockerfile.celery': celery }));
      const analyzer = new Analyzer(fs, { rules: RULES });
      assert.deepEqual(
        ids(analyzer).filter((i) => i.includes('docker/')),
        [],
      );
      const example = loadFolder('examples/smarthr360');
      const claims = (fs: MemoryFileSystem) =>
        new Analyzer(fs, { oneShot: true })
          .analyze()
          .findings.filter((f) => f.path === 'DOCKER_MODULARIZATION_ROADMAP.md')
          .map((f) => `${f.ruleId}:${f.range.start.line + 1}`);
      const before = claims(example);
      assert.ok(before.includes('roadmap-claim-violated:10'), before.join('\n'));
      const roadmap = example.readFile('DOCKER_MODULARIZATION_ROADMAP.md')!.split('\n');
      roadmap.splice(9, 0, '  <!-- docker-modularity-ignore: roadmap-claim-violated -->');
      example.write('DOCKER_MODULARIZATION_ROADMAP.md', roadmap.join('\n'));
      // The item moved one line down, and is no longer reported; nothing else changed.
      const shifted = before.map((f) => f.replace(/:(\d+)$/, (_, n: string) => `:${Number(n) >= 10 ? Number(n) + 1 : n}`));
      assert.deepEqual(claims(example), shifted.filter((f) => f !== 'roadmap-claim-violated:11'));
    });

    it('with a reason written without --: the rule named is silenced, and one parse-error says where a reason goes', () => {
      // Before, every word of the reason was an "Unexpected rule id": five parse-errors for one comment.
      const web = [
        'FROM smarthr360-base:latest',
        '# docker-modularity-ignore test-artifacts-in-runtime because we run smoke tests',
        'COPY tests/ /app/tests/',
        '',
      ].join('\n');
      const rules = [...RULES, testArtifactsInRuntime];
      const found = new Analyzer(new MemoryFileSystem(files({ 'docker/Dockerfile.web': web })), { rules })
        .analyze()
        .findings.filter((f) => f.path === 'docker/Dockerfile.web');
      assert.deepEqual(
        found.map((f) => `${f.ruleId}@${f.range.start.line + 1}:${f.range.start.character + 1}`),
        ['parse-error@2:54'],
      );
      assert.match(found[0]!.message, /^Unexpected words "because we run smoke tests"/);
      const plain = web.replace(/^# docker-modularity-ignore.*\n/m, '');
      assert.deepEqual(
        ids(new Analyzer(new MemoryFileSystem(files({ 'docker/Dockerfile.web': plain })), { rules })).filter((i) =>
          i.includes('web'),
        ),
        ['test-artifacts-in-runtime@docker/Dockerfile.web:2'],
        'reported without the comment',
      );
    });

    it('in an env file, line and file variants', () => {
      const bad = 'DJANGO_SETTINGS_MODULE=smarthr360.settings\nnot a pair\n';
      const report = (env: string) =>
        ids(new Analyzer(new MemoryFileSystem(files({ '.env.docker': env })), { rules: RULES })).filter((i) =>
          i.includes('.env'),
        );
      assert.deepEqual(report(bad), ['parse-error@.env.docker:2']);
      assert.deepEqual(
        report('DJANGO_SETTINGS_MODULE=smarthr360.settings\n# docker-modularity-ignore parse-error\nnot a pair\n'),
        [],
      );
      assert.deepEqual(report('# docker-modularity-ignore-file parse-error\n' + bad), []);
    });
  });

  describe('config file', () => {
    it('.docker-modularity.json sets levels per rule, including off', () => {
      const r = new Analyzer(
        new MemoryFileSystem(
          files({
            '.docker-modularity.json': JSON.stringify({
              rules: { 'install-outside-base': 'error', 'shared-volume-missing': 'off' },
            }),
          }),
        ),
        { rules: RULES },
      ).analyze();
      assert.equal(r.configError, undefined);
      assert.deepEqual([...new Set(r.findings.map((f) => `${f.ruleId}:${f.severity}`))], ['install-outside-base:error']);
    });

    it('.docker-modularity.yaml works too, and settings override it', () => {
      const fs = new MemoryFileSystem(files({ '.docker-modularity.yaml': 'rules:\n  install-outside-base: info\n' }));
      const r = new Analyzer(fs, { rules: RULES }).analyze();
      assert.ok(r.findings.filter((f) => f.ruleId === 'install-outside-base').every((f) => f.severity === 'info'));
      const o = new Analyzer(fs, { rules: RULES, overrides: { rules: { 'install-outside-base': 'off' } } }).analyze();
      assert.equal(o.findings.filter((f) => f.ruleId === 'install-outside-base').length, 0);
    });

    it('names the config file in a warning only for a key the file sets, not for one an override sets', () => {
      // Before, an editor setting's baseImage was put on the config file whenever there was one,
      // even one that does not name baseImage ("set baseImage … or remove it" there).
      const warnings = (config: string | undefined, overrides?: Partial<Config>) =>
        new Analyzer(new MemoryFileSystem(files(config === undefined ? {} : { '.docker-modularity.json': config })), {
          rules: RULES,
          overrides,
        })
          .analyze()
          .configWarnings.map((w) => [w.file, w.key]);
      const setting = { baseImage: 'other-base:1' };
      assert.deepEqual(warnings('{"baseImage": "other-base:1"}'), [['.docker-modularity.json', 'baseImage']]);
      assert.deepEqual(warnings('{"exclude": []}', setting), [[undefined, 'baseImage']]);
      assert.deepEqual(warnings('{"baseImage": "smarthr360-base:latest"}', setting), [[undefined, 'baseImage']]);
      assert.deepEqual(warnings(undefined, setting), [[undefined, 'baseImage']]);
      // A key the override does not set is still the file's.
      assert.deepEqual(warnings('{"roadmapFile": "docs/NOPE.md"}', setting), [
        ['.docker-modularity.json', 'roadmapFile'],
        [undefined, 'baseImage'],
      ]);
    });

    it('an invalid config gives a ConfigError naming the file, the key and the reason', () => {
      const bad = (text: string, name = '.docker-modularity.json') =>
        new Analyzer(new MemoryFileSystem(files({ [name]: text })), { rules: RULES }).analyze().configError;
      const level = bad(JSON.stringify({ rules: { 'install-outside-base': 'loud' } }));
      assert.ok(level instanceof ConfigError);
      assert.equal(level.file, '.docker-modularity.json');
      assert.equal(level.key, 'rules.install-outside-base');
      assert.match(level.reason, /must be one of/);
      const unknown = bad('rules:\n  no-such-rule: warning\n', '.docker-modularity.yaml');
      assert.deepEqual([unknown?.file, unknown?.key], ['.docker-modularity.yaml', 'rules.no-such-rule']);
      const setting = bad(JSON.stringify({ baseImag: 'x' }));
      assert.deepEqual([setting?.key, setting?.reason], ['baseImag', 'is not a known setting']);
      assert.match(bad('{ "rules": ')?.reason ?? '', /is not valid JSON/);
      // Before, Node's message quoted the file ("// c"... is not valid JSON), and an empty JSON file was an error.
      assert.equal(
        bad('{\n  // the shared base\n  "baseImage": "x"\n}\n')?.reason,
        "is not valid JSON: Expected property name or '}' (line 2, column 3); JSON has no comments (a .docker-modularity.yaml may have them)",
      );
      assert.equal(bad(''), undefined);
      assert.equal(
        bad('{"baseImage": "x"}}')?.reason,
        'is not valid JSON: Unexpected non-whitespace character (line 1, column 19)',
      );
    });

    it('a key given twice is an error in JSON as in YAML, at the second one', () => {
      // Before, JSON.parse kept the last "rules" silently: install-outside-base was reported though turned off.
      const run = (name: string, text: string) =>
        new Analyzer(new MemoryFileSystem(files({ [name]: text })), { rules: RULES }).analyze();
      const json = run(
        '.docker-modularity.json',
        '{\n  "rules": { "install-outside-base": "off" },\n  "rules": { "legacy-dockerfile": "off" }\n}\n',
      );
      assert.ok(json.configError instanceof ConfigError);
      assert.deepEqual(
        [json.configError.file, json.configError.key, json.configError.reason],
        ['.docker-modularity.json', '', 'is not valid JSON: Map keys must be unique (line 3, column 3)'],
      );
      assert.deepEqual(json.configError.position, { line: 3, column: 3 });
      const yaml = run('.docker-modularity.yaml', 'rules:\n  install-outside-base: "off"\nrules:\n  legacy-dockerfile: "off"\n');
      assert.equal(yaml.configError?.reason, 'is not valid YAML: Map keys must be unique (line 3, column 1)');
      assert.deepEqual(yaml.configError?.position, { line: 3, column: 1 });
      // Inside a setting too, on one line; and a key spelt with an escape is the same key.
      const nested = run(
        '.docker-modularity.json',
        '{"rules": {"install-outside-base": "off", "install-outside-base": "error"}}',
      );
      assert.equal(nested.configError?.reason, 'is not valid JSON: Map keys must be unique (line 1, column 43)');
      const escaped = run('.docker-modularity.json', '{"baseImage": "a", "\\u0062aseImage": "b"}');
      assert.equal(escaped.configError?.reason, 'is not valid JSON: Map keys must be unique (line 1, column 20)');
      // JSON that is not valid is said by JSON's own message, before any key given twice, without the
      // slice of the file Node quotes (before, a slice cut at its start, `..." "rules": }"`, was kept).
      assert.equal(
        run('.docker-modularity.json', '{"rules": {}, "rules": }')?.configError?.reason,
        "is not valid JSON: Unexpected token '}'",
      );
    });
  });

  it('timing: measures the phases and charges each rule run to its rule, a slow one included', () => {
    const slow = defineRule({
      id: 'duplicate-stage-name',
      meta: { section: 4, description: 'slow', defaultSeverity: 'warning', fixable: false },
      messages: { x: 'x' },
      check: {
        dockerfile() {
          const until = performance.now() + 5;
          while (performance.now() < until) {
            // A rule that takes 5 ms per Dockerfile.
          }
        },
      },
    });
    const fs = new MemoryFileSystem(files());
    assert.equal(new Analyzer(fs, { rules: RULES }).analyze().stats.timing, undefined, 'not measured unless asked');
    const { stats } = new Analyzer(fs, { rules: [installOutsideBase, sharedVolumeMissing, slow], timing: true }).analyze();
    const timing = stats.timing!;
    assert.deepEqual(
      Object.fromEntries(Object.entries(timing.rules).map(([id, r]) => [id, r.runs])),
      { 'install-outside-base': 4, 'duplicate-stage-name': 4, 'shared-volume-missing': 1 },
      'one run per file of the kind the rule checks',
    );
    assert.equal(
      Object.values(timing.rules).reduce((a, r) => a + r.runs, 0),
      stats.ruleRuns,
    );
    assert.ok(timing.rules['duplicate-stage-name']!.ms >= 20, `${timing.rules['duplicate-stage-name']!.ms} ms for 4 × 5 ms`);
    const ruleMs = Object.values(timing.rules).reduce((a, r) => a + r.ms, 0);
    assert.ok(timing.parseMs > 0 && timing.projectMs >= 0);
    assert.ok(timing.totalMs >= timing.parseMs + timing.projectMs + ruleMs, JSON.stringify(timing));
  });

  it('a rule that throws yields an internal-error finding and the other rules still run', () => {
    const broken = defineRule({
      id: 'install-outside-base',
      meta: { section: 1, description: 'throws', defaultSeverity: 'warning', fixable: false },
      messages: { x: 'x' },
      check: {
        dockerfile(file) {
          if (file.path === 'docker/Dockerfile.web') {
            throw new Error('boom');
          }
        },
      },
    });
    const r = new Analyzer(new MemoryFileSystem(files({ 'docker/Dockerfile.web': 'FROM a AS x\nFROM b AS x\n' })), {
      rules: [broken, duplicateStageName],
    }).analyze();
    assert.deepEqual(r.internalErrors, [{ ruleId: 'install-outside-base', path: 'docker/Dockerfile.web', message: 'boom' }]);
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId}@${f.path}:${f.range.start.line + 1}`),
      ['internal-error@docker/Dockerfile.web:1', 'duplicate-stage-name@docker/Dockerfile.web:2'],
    );
    assert.match(r.findings[0]!.message, /install-outside-base failed on this file: boom/);
  });

  it("recomputes a reused finding's fix when a file it edits (but does not depend on) has changed", () => {
    // A rule on Dockerfiles whose fix edits a README: the README is not one of the Dockerfile's
    // dependencies, so the Dockerfile's finding is reused after the README changes. Its fix must
    // not be computed from the README as it was: it is computed again on the latest run.
    let reads = 0;
    const noteInReadme = defineRule({
      id: 'install-outside-base',
      meta: { section: 1, description: 'test', defaultSeverity: 'warning', fixable: true },
      messages: { x: 'x' },
      check: {
        dockerfile(file, context) {
          if (file.path === 'docker/Dockerfile.web') {
            context.report({
              messageId: 'x',
              range: file.stages[0]!.fromRange,
              fix: (fixer) => {
                reads++;
                const readme = context.project.file('docs/README.md')!;
                const title = readme.lines.lineText(0);
                fixer.replace('docs/README.md', readme.lines.rangeOf(2, title.length), 'Notes');
              },
            });
          }
        },
      },
    });
    const fs = new MemoryFileSystem(files({ 'docs/README.md': '# Title\n' }));
    const analyzer = new Analyzer(fs, { rules: [noteInReadme] });
    const first = analyzer.analyze().findings[0]!;
    fs.write('docs/README.md', '# Other title\n');
    const second = analyzer.analyze();
    assert.ok(second.stats.reused > 0);
    const cached = second.findings[0]!;
    assert.equal(cached, first, 'the finding is reused from the cache');
    const fix = cached.fix!()!;
    assert.equal(reads, 1, 'computed once, on the latest run (not first on the old one)');
    assert.equal(
      staleReason(fix, (p) => fs.readFile(p)),
      undefined,
    );
    assert.equal(applyFixes([fix], (p) => fs.readFile(p)).files.get('docs/README.md'), '# Notes\n');
  });

  it('computes the fix of a finding kept from an earlier run on the latest files, which it may read beyond its own', () => {
    // Before, worker's finding came out the same after the override changed, so the run kept the
    // earlier Finding, whose fix still saw migrate without secrets.env: it added .env.docker alone.
    const compose = [
      'services:',
      '  base:',
      '    build:',
      '      context: .',
      '      dockerfile: docker/base/Dockerfile',
      '    image: shop-base:latest',
      '  web:',
      '    build:',
      '      context: .',
      '      dockerfile: docker/web/Dockerfile',
      '    env_file:',
      '      - .env.docker',
      '      - secrets.env',
      '  worker:',
      '    build:',
      '      context: .',
      '      dockerfile: docker/worker/Dockerfile',
      '  migrate:',
      '    build:',
      '      context: .',
      '      dockerfile: docker/web/Dockerfile',
      '    command: ["python", "manage.py", "migrate"]',
      '    env_file:',
      '      - .env.docker',
      '',
    ].join('\n');
    const fs = new MemoryFileSystem({
      'docker/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir django==5.0.6\n',
      'docker/web/Dockerfile': 'FROM shop-base:latest\nCMD ["gunicorn"]\n',
      'docker/worker/Dockerfile': 'FROM shop-base:latest\nCMD ["celery", "-A", "shop", "worker"]\n',
      'docker-compose.yml': compose,
      '.env.docker': 'DEBUG=0\n',
      'secrets.env': 'DJANGO_SECRET_KEY=abc\n',
      '.gitignore': 'secrets.env\n',
      'docker-compose.override.yml': 'services:\n  migrate:\n    environment:\n      - DEBUG=1\n',
    });
    const analyzer = new Analyzer(fs);
    analyzer.analyze();
    fs.write('docker-compose.override.yml', 'services:\n  migrate:\n    env_file:\n      - secrets.env\n');
    const fixOf = (findings: readonly Finding[]): unknown => findings.find((f) => f.ruleId === 'env-file-missing')?.fix?.()?.changes;
    const fresh = fixOf(new Analyzer(fs).analyze().findings);
    assert.ok(JSON.stringify(fresh).includes('secrets.env'), 'the fresh fix gives worker the secrets file its siblings read');
    assert.deepEqual(fixOf(analyzer.analyze().findings), fresh);
  });

  it('refuses a fix computed before its own file changed', () => {
    const fs = new MemoryFileSystem(files({ 'docker/Dockerfile.web': 'FROM a AS x\nFROM b AS x\n' }));
    const analyzer = new Analyzer(fs, { rules: [duplicateStageName] });
    const finding = analyzer.analyze().findings[0]!;
    fs.write('docker/Dockerfile.web', 'FROM a AS x\n\nFROM b AS x\n');
    analyzer.analyze();
    const fix = finding.fix!()!;
    assert.match(staleReason(fix, (p) => fs.readFile(p)) ?? '', /docker\/Dockerfile.web changed/);
  });

  it('after a run that fails midway, the next one starts over instead of trusting half-updated state', () => {
    // Discovery updates the last run's map of files in place, and the reader hands out each change
    // once: a run that throws after that must not leave the next one reusing the old findings.
    class Failing extends MemoryFileSystem {
      changes: string[] | 'all' = 'all';
      failOnce = false;
      takeChanges(): readonly string[] | 'all' {
        const c = this.changes;
        this.changes = [];
        return c;
      }
      override skipped(): ReturnType<MemoryFileSystem['skipped']> {
        if (this.failOnce) {
          this.failOnce = false;
          throw new Error('the disk went away');
        }
        return super.skipped();
      }
    }
    const fs = new Failing(files());
    const analyzer = new Analyzer(fs, { rules: RULES });
    assert.ok(!ids(analyzer).includes('install-outside-base@docker/Dockerfile.web:3'));
    fs.write('docker/Dockerfile.web', 'FROM smarthr360-base:latest\nRUN pip install gunicorn\nRUN apt-get install -y curl\n');
    fs.changes = ['docker/Dockerfile.web'];
    fs.failOnce = true;
    assert.throws(() => analyzer.analyze(), /the disk went away/);
    // The reader has no change left to report; the edit is found all the same.
    const after = ids(analyzer);
    assert.deepEqual(after, ids(new Analyzer(new MemoryFileSystem(fs.toRecord()), { rules: RULES })));
    assert.ok(after.includes('install-outside-base@docker/Dockerfile.web:3'), after.join(', '));
  });

  it('loads only the files a reader says changed, and everything when it cannot tell', () => {
    class Tracked extends MemoryFileSystem {
      changes: string[] | 'all' = 'all';
      reads = 0;
      override readFile(path: string): string | undefined {
        this.reads++;
        return super.readFile(path);
      }
      takeChanges(): readonly string[] | 'all' {
        const c = this.changes;
        this.changes = [];
        return c;
      }
    }
    const fs = new Tracked(files());
    const analyzer = new Analyzer(fs, { rules: RULES });
    analyzer.analyze();
    // The editor reports one changed document: only it is read again.
    fs.write('docker/Dockerfile.web', 'FROM smarthr360-base:latest\nRUN pip install gunicorn\n');
    fs.changes = ['docker/Dockerfile.web'];
    fs.reads = 0;
    const r = analyzer.analyze();
    // The edited file, and the three config file names (the config is read on every run).
    assert.ok(fs.reads <= 4, `read ${fs.reads} files`);
    assert.deepEqual(
      r.findings.filter((f) => f.path === 'docker/Dockerfile.web').map((f) => f.message),
      ['Unexpected pip install of "gunicorn" outside the base image; install it in Dockerfile.base.'],
    );
    // A compose edit that reaches the same files: only it is read again.
    fs.write('docker-compose.yml', COMPOSE + '# edited\n');
    fs.changes = ['docker-compose.yml'];
    fs.reads = 0;
    analyzer.analyze();
    assert.ok(fs.reads <= 4, `read ${fs.reads} files`);
    // One that reads a new env file (named like no env file): everything is discovered again,
    // and the file it reaches is analysed.
    fs.write('config/extra.vars', 'SECRET_KEY=abc123\n');
    fs.write('docker-compose.yml', COMPOSE.replace('env_file: .env.docker\n', 'env_file: [.env.docker, config/extra.vars]\n'));
    fs.changes = ['docker-compose.yml'];
    fs.reads = 0;
    const reached = analyzer.analyze();
    assert.ok(fs.reads >= Object.keys(files()).length, `read ${fs.reads} files`);
    assert.ok(reached.files.includes('config/extra.vars'), reached.files.join(', '));
    // And an edit of that file alone keeps it an env file, though its name says nothing.
    fs.write('config/extra.vars', 'SECRET_KEY=abc123\nDEBUG=1\n');
    fs.changes = ['config/extra.vars'];
    fs.reads = 0;
    const edited = analyzer.analyze();
    assert.ok(fs.reads <= 4, `read ${fs.reads} files`);
    assert.equal(edited.project.file('config/extra.vars')?.kind, 'env');
    assert.deepEqual(edited.files, reached.files);
  });
});
