import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/engine/analyzer';
import { applyFixes } from '../../server/src/engine/fixes';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { parseCompose } from '../../server/src/engine/parse/compose';
import { parseDockerfile } from '../../server/src/engine/parse/dockerfile';
import { classifyPath } from '../../server/src/engine/project';
import type { Finding, Fix } from '../../server/src/engine/rule';
import { loadFolder } from '../loadFolder';
import { writeFiles } from '../fixPasses';
import { EXAMPLE, fuzzParams } from './helpers';

/**
 * Every fix of a workspace applied together, pass after pass, as `check --fix` does, on the example
 * with random sets of the edits that once made fixes go wrong (each found by hand in a fresh-clone
 * test: fixes meeting at a point, compound shell lines, anchored lists, stage indexes, builder
 * stages, a secret already in secrets.env, BOM and CRLF, a compose file that does not parse).
 * After the last pass: no compose file that parsed has a YAML problem, no Dockerfile lost its FROM,
 * no error appeared that was not there, and no finding is left whose fix would apply on its own
 * (reported fixable, never fixed).
 */
type Files = Record<string, string>;
type Mutation = [name: string, apply: (f: Files) => void];

const replaceIn = (f: Files, path: string, from: string, to: string): void => {
  if (f[path]?.includes(from)) {
    f[path] = f[path]!.replace(from, to);
  }
};

const MUTATIONS: Mutation[] = [
  [
    'a mount of an undeclared volume next to one that nothing mounts',
    (f) => replaceIn(f, 'docker-compose.yml', '      - media_volume:', '      - media_new:'),
  ],
  [
    'a test run before || in the web image',
    (f) =>
      replaceIn(
        f,
        'docker/Dockerfile.web',
        '\nCOPY ',
        '\nRUN python -m compileall /app && pytest -q || echo "TESTS FAILED"\nCOPY ',
      ),
  ],
  [
    'a conditional install',
    (f) =>
      replaceIn(
        f,
        'docker/Dockerfile.web',
        '\nCOPY ',
        '\nRUN if [ "$DEBUG" = 1 ]; then pip install --no-cache-dir debugpy; fi\nCOPY ',
      ),
  ],
  ['a piped install', (f) => replaceIn(f, 'docker/Dockerfile.celery', '\nCOPY ', '\nRUN pip install rich | tail -1\nCOPY ')],
  ['a COPY --from a stage index', (f) => replaceIn(f, 'docker/Dockerfile.ml', '\nCMD ', '\nCOPY --from=1 /build /build\nCMD ')],
  [
    'a builder stage on the base with compilers',
    (f) => {
      if (f['docker/Dockerfile.web']) {
        f['docker/Dockerfile.web'] =
          `FROM smarthr360-base:latest AS wheels\nRUN apt-get update && apt-get install -y gcc libpq-dev\nRUN pip wheel -w /wheels psycopg2\n\n${f['docker/Dockerfile.web']!.replace(/\nCOPY /, '\nCOPY --from=wheels /wheels /wheels\nCOPY ')}`;
      }
    },
  ],
  [
    'an anchored volume list another service aliases',
    (f) =>
      replaceIn(
        f,
        'docker-compose.yml',
        '  redis:\n    image: redis:7-alpine\n    volumes:\n',
        '  redis:\n    image: redis:7-alpine\n    volumes: &redisvols\n',
      ),
  ],
  [
    'a secret the secrets file sets to another value',
    (f) => (f['.env.docker'] = `${f['.env.docker'] ?? ''}DB_PASSWORD=another-value-1\n`),
  ],
  ['credentials in a DSN', (f) => (f['.env.docker'] = `${f['.env.docker'] ?? ''}SENTRY_DSN=https://k:dsn-pw@sentry.io/1\n`)],
  [
    'a quoted Dockerfile path',
    (f) => replaceIn(f, 'docker-compose.yml', 'dockerfile: docker/Dockerfile.web', 'dockerfile: "docker/Dockerfile.web"'),
  ],
  [
    'CRLF line endings in the compose file',
    (f) => (f['docker-compose.yml'] = f['docker-compose.yml']!.replace(/\r?\n/g, '\r\n')),
  ],
  ['a byte order mark on a Dockerfile', (f) => (f['docker/Dockerfile.celery'] = `\uFEFF${f['docker/Dockerfile.celery'] ?? ''}`)],
  [
    'a secret next to an anchored block env_file',
    (f) =>
      replaceIn(
        f,
        'docker-compose.yml',
        '\nvolumes:\n',
        '\n  worker2:\n    image: app:1\n    env_file: &w2\n      - .env.docker\n    environment:\n      STRIPE_API_KEY: sk_live_abc\n\nvolumes:\n',
      ),
  ],
  [
    'a tab in the compose file indentation',
    (f) => replaceIn(f, 'docker-compose.yml', '\n    image: redis:7-alpine', '\n\timage: redis:7-alpine'),
  ],
];

const key = (f: Finding): string => `${f.ruleId}|${f.path}|${f.message}`;

/** The fix of each fixable finding, computed now (some are given up when computed). */
function fixesOf(findings: readonly Finding[]): Fix[] {
  return findings.flatMap((f) => {
    const fix = f.fixable ? f.fix?.() : undefined;
    return fix ? [fix] : [];
  });
}

describe('reliability: every fix at once, pass after pass', function () {
  this.timeout(300_000);
  const example = loadFolder(EXAMPLE).toRecord();

  it('keeps files parsing, adds no error, and leaves no fixable finding it cannot fix', function () {
    fc.assert(
      fc.property(fc.subarray(MUTATIONS, { minLength: 1 }), (mutations) => {
        const files: Files = { ...example };
        for (const [, apply] of mutations) {
          apply(files);
        }
        const label = mutations.map(([name]) => name).join('; ');
        const fs = new MemoryFileSystem(files);
        const before = new Analyzer(fs).analyze();
        const errorsBefore = new Set(before.findings.filter((f) => f.severity === 'error').map(key));
        let last = before;
        let passes = 0;
        for (; passes < 10; passes++) {
          const result = applyFixes(fixesOf(last.findings), (p) => fs.readFile(p));
          if (result.applied.length === 0) {
            break;
          }
          writeFiles(fs, result.files);
          last = new Analyzer(fs).analyze();
        }
        for (const p of fs.listFiles()) {
          const kind = classifyPath(p, before.config)?.kind;
          const old = files[p];
          const now = fs.readFile(p)!;
          if (kind === 'compose' && old !== undefined && parseCompose(p, old).problems.length === 0) {
            assert.deepEqual(parseCompose(p, now).problems, [], `${label}: ${p} no longer parses:\n${now}`);
          }
          if (kind === 'dockerfile' && old !== undefined && parseDockerfile(p, old).stages.length > 0) {
            assert.ok(parseDockerfile(p, now).stages.length > 0, `${label}: ${p} lost its FROM:\n${now}`);
          }
        }
        const newErrors = last.findings.filter((f) => f.severity === 'error' && !errorsBefore.has(key(f))).map(key);
        assert.deepEqual(newErrors, [], label);
        if (passes < 10) {
          // Nothing applied in the last pass, so a fix still offered is one that is refused: its
          // finding is reported fixable and never fixed.
          const stuck = last.findings.filter((f) => (f.fixable ? f.fix?.() : undefined) !== undefined);
          assert.deepEqual(
            stuck.map((f) => `${key(f)}: ${applyFixes([f.fix!()!], (p) => fs.readFile(p)).skipped[0]?.reason}`),
            [],
            `${label}: fixes left after ${passes} passes`,
          );
        }
      }),
      fuzzParams(12),
    );
  });
});
