import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { DockerfileParser } from 'dockerfile-ast';
import { parseDocument } from 'yaml';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { loadFolder } from '../loadFolder';
import { analyze, assertSound, bigCompose, bigDockerfile, EXAMPLE, fuzzParams, mutate, mutationsArb, readExample, timed } from './helpers';

/**
 * Property tests: random and mutated Dockerfiles and compose files never make the engine throw or
 * report an internal error, and every finding's range lies inside its file. Seeded (FUZZ_SEED),
 * small in `npm test`, larger in `npm run fuzz` (FUZZ_RUNS).
 */
describe('reliability: fuzzed input', function () {
  // `npm run fuzz` (FUZZ_RUNS set) runs every case however long it takes: with 120 s, seed 31337's
  // whole-workspace property timed out on a busy machine and reported nothing it had found.
  this.timeout(process.env.FUZZ_RUNS ? 0 : 120_000);

  const DOCKERFILES = ['docker/Dockerfile.web', 'docker/Dockerfile.celery', 'docker/Dockerfile.ml', 'docker/Dockerfile.nginx', 'Dockerfile.base', 'Dockerfile.old', 'archived/Dockerfile.legacy'];
  const base = readExample('Dockerfile.base');
  const compose = readExample('docker-compose.yml');
  const env = readExample('.env.docker');

  it('mutated Dockerfiles: no throw, no internal error, ranges inside files', function () {
    fc.assert(
      fc.property(fc.constantFrom(...DOCKERFILES), mutationsArb, (seed, mutations) => {
        const text = mutate(readExample(seed), mutations);
        const files = { 'Dockerfile.base': base, 'docker-compose.yml': compose, 'docker/Dockerfile.web': text, '.env.docker': env };
        const { result, fs } = analyze(files);
        assertSound(result, fs);
      }),
      fuzzParams(30),
    );
  });

  it('mutated compose files: no throw, no internal error, ranges inside files', function () {
    const web = readExample('docker/Dockerfile.web');
    fc.assert(
      fc.property(mutationsArb, (mutations) => {
        const text = mutate(compose, mutations);
        const files = { 'Dockerfile.base': base, 'docker/Dockerfile.web': web, 'docker-compose.yml': text, '.env.docker': env };
        const { result, fs } = analyze(files);
        assertSound(result, fs);
      }),
      fuzzParams(30),
    );
  });

  it('mutated base Dockerfile and env file in the whole example workspace', function () {
    const example = loadFolder(EXAMPLE).toRecord();
    fc.assert(
      fc.property(fc.constantFrom('Dockerfile.base', '.env.docker', 'docker/celery-entrypoint.sh', 'DOCKER_MODULARIZATION_ROADMAP.md'), mutationsArb, (file, mutations) => {
        const files = { ...example, [file]: mutate(example[file]!, mutations) };
        const { result, fs } = analyze(files);
        assertSound(result, fs);
      }),
      fuzzParams(10),
    );
  });

  it('random text as a Dockerfile and as a compose file', function () {
    const token = fc.oneof(
      fc.constantFrom('FROM ', 'RUN ', 'COPY ', 'CMD ', '[', ']', '"', "'", '\\', '\n', '\r\n', ' ', '\t', '<<EOF', 'EOF', '&&', '$', '#', ':', '- ', '&x', '*x', '{', '}'),
      fc.string({ maxLength: 8, unit: 'binary' }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }).map((t) => t.join('')), (text) => {
        const { result, fs } = analyze({ Dockerfile: text, 'docker-compose.yml': text, 'compose.override.yml': `services:\n  app:\n    build: .\n${text}` });
        assertSound(result, fs);
      }),
      fuzzParams(60),
    );
  });

  it('checks what it claims: a range outside its file fails the invariant', function () {
    // The invariant itself must be able to fail.
    const fs = new MemoryFileSystem({ Dockerfile: 'FROM a\n' });
    assert.throws(() =>
      assertSound(
        {
          findings: [{ ruleId: 'x', severity: 'error', message: '', path: 'Dockerfile', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } }, fixable: false }],
          internalErrors: [],
        } as never,
        fs,
      ),
    );
  });

  describe('size: a 1 MB file is analysed in under 1 s', () => {
    // The guarantee is for an idle 2-core machine like the one CI runs on. This machine is shared,
    // so the 1 s budget grows with how slow the machine is at that moment: each run of the analysis
    // comes right after a parse of the same file by the parser library alone, and its budget is 1 s
    // times that parse's time over its time on the idle machine (IDLE_PARSE_MS, the fastest seen
    // there). The best of four such pairs must be within its budget: a machine twice as busy gets
    // twice the budget, an analysis that got slower still fails. A 4× larger file may also take at
    // most 12× longer.
    const IDLE_PARSE_MS = { yaml: 400, dockerfile: 170 };
    const RUNS = 4;
    /**
     * Analyses the workspace `files(1 MB)` RUNS times, each after `probe` (the parse that scales
     * the budget); asserts the result is sound, that `ruleId` was reported (the big file was
     * analysed, not refused), that the best run is within its budget and at most 12× the best
     * analysis of `files(256 KB)`.
     */
    const assertAnalysedFast = (
      what: string,
      files: (bytes: number) => Record<string, string>,
      ruleId: string,
      probe: (large: Record<string, string>) => { parse: () => unknown; idleMs: number },
    ) => {
      const large = files(1024 * 1024);
      const { parse, idleMs } = probe(large);
      let best = { ms: Infinity, budget: 1000 };
      let last: ReturnType<typeof analyze> | undefined;
      for (let i = 0; i < RUNS; i++) {
        const budget = 1000 * Math.max(1, timed(parse).ms / idleMs);
        const run = timed(() => analyze(large));
        last = run.value;
        if (run.ms / budget < best.ms / best.budget) {
          best = { ms: run.ms, budget };
        }
      }
      assertSound(last!.result, last!.fs);
      const ruleIds = new Set(last!.result.findings.map((f) => f.ruleId));
      assert.ok(!ruleIds.has('parse-error'), `${what} is within the limits`);
      assert.ok(ruleIds.has(ruleId), `${what} is analysed: ${ruleId} reported`);
      assert.ok(best.ms < best.budget, `${what}: ${best.ms.toFixed(0)} ms, budget ${best.budget.toFixed(0)} ms`);
      const small = files(256 * 1024);
      let quarter = Infinity;
      for (let i = 0; i < RUNS; i++) {
        quarter = Math.min(quarter, timed(() => analyze(small)).ms);
      }
      assert.ok(best.ms < 12 * Math.max(quarter, 50), `${what}: ${best.ms.toFixed(0)} ms, a quarter of it ${quarter.toFixed(0)} ms: not linear`);
    };
    /** The parse the engine makes of a compose file, without the engine. */
    const parseYaml = (text: string) => parseDocument(text, { uniqueKeys: false, merge: true, prettyErrors: false, strict: false });

    it('a 1 MB compose file with 5,000 services', function () {
      // The last service is on no network: found only if the whole file is read.
      const stray = '  stray:\n    image: registry.example.com/team/stray:1.0\nvolumes:\n  shared:\n';
      const files = (bytes: number) => ({ 'docker-compose.yml': bigCompose(bytes).replace('volumes:\n  shared:\n', stray) });
      assertAnalysedFast('1 MB compose file', files, 'service-network-missing', (large) => ({
        parse: () => parseYaml(large['docker-compose.yml']!),
        idleMs: IDLE_PARSE_MS.yaml,
      }));
    });

    it('a 1 MB Dockerfile with 5,000 RUN lines', function () {
      const files = (bytes: number) => ({ Dockerfile: bigDockerfile(bytes), 'docker-compose.yml': 'services:\n  app:\n    build: .\n' });
      assertAnalysedFast('1 MB Dockerfile', files, 'unused-stage', (large) => ({
        parse: () => DockerfileParser.parse(large.Dockerfile!),
        idleMs: IDLE_PARSE_MS.dockerfile,
      }));
    });

    it('a 1 MB env file with 40,000 keys', function () {
      const envFile = (bytes: number) => {
        const lines: string[] = [];
        for (let i = 0, size = 0; size < bytes; i++) {
          lines.push(`KEY_${i % 40_000}=value-${i}`);
          size += lines[i]!.length + 1;
        }
        return { '.env.docker': lines.join('\n') + '\n', 'docker-compose.yml': 'services:\n  app:\n    image: x\n    env_file: .env.docker\n' };
      };
      // dotenv files are parsed here, with no library to compare with: the machine's slowness is
      // measured with yaml's parse of a 1 MB compose file.
      const compose = bigCompose(1024 * 1024);
      assertAnalysedFast('1 MB env file', envFile, 'env-var-undocumented', () => ({ parse: () => parseYaml(compose), idleMs: IDLE_PARSE_MS.yaml }));
    });
  });
});
