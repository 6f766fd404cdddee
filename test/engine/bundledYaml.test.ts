import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type * as Engine from '../../server/src/engine';
import { EXAMPLE, loadFolder } from '../loadFolder';

// scripts/build.mjs bundles yaml's ES module build, which has none of the CommonJS build's reads of
// process.env.LOG_TOKENS and LOG_STREAM (a call into C++ for every token, ~20% of parseDocument).
// The bundles must still carry yaml itself, and check exactly as the source (on yaml's CommonJS
// build, under tsx) does.
const dist = path.join(__dirname, '..', '..', 'dist');
const BUNDLES_WITH_YAML = ['engine.js', 'cliMain.js', 'serverMain.js'];

describe("the bundles' yaml", () => {
  for (const bundle of BUNDLES_WITH_YAML) {
    it(`dist/${bundle} has yaml's parser and composer without their per-token environment reads`, () => {
      const code = readFileSync(path.join(dist, bundle), 'utf8');
      // Messages of yaml's parser and composer, which minification keeps.
      assert.ok(code.includes('Not a YAML token'), `dist/${bundle} has no yaml parser`);
      assert.ok(code.includes('Unexpected doc-end without preceding document'), `dist/${bundle} has no yaml composer`);
      assert.doesNotMatch(code, /LOG_TOKENS|LOG_STREAM/);
      // Its lexer and parser rewritten without generators (scripts/yamlRewrite.mjs): their
      // methods keep their names through minification, the `*` of a generator method goes.
      for (const method of ['parseNext', 'parsePlainScalar', 'pushIndicators', 'blockMap', 'flowCollection']) {
        assert.ok(code.includes(`${method}(`), `dist/${bundle} has no ${method}`);
        assert.ok(!code.includes(`*${method}(`), `dist/${bundle}: ${method} is still a generator`);
      }
      // Plain scalars that no tag's test can match resolved at once: the characters each of yaml's own
      // tests can start a match with are string literals, which minification keeps.
      for (const starts of ['"~nN"', '"tTfF"', '"-+.0123456789"', '"<"']) {
        assert.ok(code.includes(starts), `dist/${bundle} resolves every plain scalar through every tag's test`);
      }
    });
  }

  // A stack that uses what yaml does beyond plain maps: anchors and `<<` merges, `!reset`, a
  // duplicate key, an unresolved alias, and a second compose file that does not parse; yaml's own
  // error messages reach the findings.
  const YAML_FEATURES: Record<string, string> = {
    'Dockerfile.base': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir -r /tmp/requirements.txt\n',
    'requirements.txt': 'django==5.0\ncelery==5.3\n',
    'web/Dockerfile':
      'FROM smarthr360-base:latest\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\nCMD ["gunicorn"]\n',
    'worker/Dockerfile': 'FROM smarthr360-base:latest\nCOPY . /app\nCMD ["celery", "-A", "app", "worker"]\n',
    'docker-compose.yml': [
      'x-common: &common',
      '  env_file: [.env.docker]',
      '  networks: [backend]',
      '  volumes:',
      '    - static:/app/static',
      'services:',
      '  base:',
      '    image: smarthr360-base:latest',
      '    build: { context: ., dockerfile: Dockerfile.base }',
      '  web:',
      '    <<: *common',
      '    build: { context: ., dockerfile: web/Dockerfile }',
      '    ports: !reset []',
      '    environment:',
      '      SECRET_KEY: "django-insecure-0123456789abcdef"',
      '  worker:',
      '    <<: *common',
      '    build: { context: ., dockerfile: worker/Dockerfile }',
      '    volumes: !override',
      '      - media:/app/media',
      'volumes:',
      '  static: {}',
      '  media: {}',
      'networks:',
      '  backend: {}',
      '',
    ].join('\n'),
    'broken/docker-compose.yml': [
      'services:',
      '  web:',
      '    image: nginx',
      '    environment:',
      '      DEBUG: "0"',
      '      DEBUG: "1"',
      '  proxy:',
      '    volumes: *missing',
      '',
    ].join('\n'),
    'unclosed/docker-compose.yml': 'services:\n  web:\n    ports:\n      - "8000:8000\n    command: [unclosed\n',
    '.env.docker': 'DJANGO_SETTINGS_MODULE=app.settings\n',
  };

  const summary = (r: ReturnType<Analyzer['analyze']>): string[] =>
    r.findings.map(
      (f) =>
        `${f.path}:${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character} ${f.ruleId} ${f.message}`,
    );
  /** An Analyzer of dist/engine.js, loaded when a test first asks. */
  const bundledAnalyzer = (fs: Engine.FileSystemView): Engine.Analyzer => {
    const bundle = createRequire(__filename)(path.join(dist, 'engine.js')) as typeof Engine;
    return new bundle.Analyzer(fs);
  };

  it('checks a stack with anchors, merges, !reset and YAML errors as the source engine does, finding for finding', () => {
    const fromSource = new Analyzer(new MemoryFileSystem(YAML_FEATURES)).analyze();
    const fromBundle = bundledAnalyzer(new MemoryFileSystem(YAML_FEATURES)).analyze();
    const rules = new Set(fromSource.findings.map((f) => f.ruleId));
    assert.ok(rules.has('parse-error'), 'the workspace has parse errors');
    assert.ok(
      fromSource.findings.some((f) => /unique/.test(f.message)),
      'the workspace has a duplicate key',
    );
    assert.deepEqual(summary(fromBundle), summary(fromSource));
  });

  it('checks edits in the middle and at the end of the services map as a fresh check does (services re-parsed alone)', () => {
    // In the bundles, yaml's node types sit on their classes' prototypes (scripts/yamlRewrite.mjs),
    // and an edit inside one service copies every node after it with its positions moved.
    const bundle = createRequire(__filename)(path.join(dist, 'engine.js')) as typeof Engine;
    const files = loadFolder(EXAMPLE);
    const original: Record<string, string> = {};
    for (const p of files.listFiles()) {
      original[p] = files.readFile(p)!;
    }
    const compose = original['docker-compose.yml']!;
    const edits: [string, string][] = [
      ['    image: redis:7-alpine', '    image: redis:7.2-alpine\n    labels: { tier: cache }'],
      ['  ml:\n', '  ml:\n    volumes: [ml_models_volume:/srv/models]\n'],
      ['  nginx:\n', '  nginx:\n    environment: { DEBUG: "1", SECRET_KEY: changeme }\n'],
    ];
    const live = new bundle.MemoryFileSystem(original);
    const analyzer = new bundle.Analyzer(live);
    analyzer.analyze();
    let text = compose;
    for (const [from, to] of edits) {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      live.write('docker-compose.yml', text);
      const incremental = summary(analyzer.analyze());
      const now = { ...original, 'docker-compose.yml': text };
      assert.deepEqual(incremental, summary(bundledAnalyzer(new MemoryFileSystem(now)).analyze()), to);
      assert.deepEqual(incremental, summary(new Analyzer(new MemoryFileSystem(now)).analyze()), to);
    }
    assert.ok(summary(analyzer.analyze()).some((f) => f.includes('secret-in-environment')));
  });

  for (const [name, root] of [
    ['the bundled example', EXAMPLE],
    ['the language-server fixture', path.join(__dirname, '..', 'fixtures', 'lsp-workspace')],
  ] as const) {
    it(`checks ${name} as the source engine does, finding for finding`, () => {
      const fromSource = new Analyzer(loadFolder(root)).analyze();
      const fromBundle = bundledAnalyzer(loadFolder(root)).analyze();
      assert.ok(fromSource.findings.length > 0, `${name} has findings`);
      assert.deepEqual(summary(fromBundle), summary(fromSource));
    });
  }
});
