import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { loadFolder } from '../loadFolder';
import { analyze, assertSound, bigCompose, bigDockerfile, EXAMPLE, fuzzParams, mutate, mutationsArb, readExample, timed } from './helpers';

/**
 * Property tests: random and mutated Dockerfiles and compose files never make the engine throw or
 * report an internal error, and every finding's range lies inside its file. Seeded (FUZZ_SEED),
 * small in `npm test`, larger in `npm run fuzz` (FUZZ_RUNS).
 */
describe('reliability: fuzzed input', function () {
  this.timeout(120_000);

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

  describe('size', () => {
    // The README promises "a 1 MB file is analysed in under 1 s" on a developer machine. This
    // machine is shared (and CI is slow), so the absolute bound here is generous: PERF_BOUND_MS,
    // 10 s by default. The ratio check catches what matters more: no super-linear blow-up (a 4×
    // larger file may take at most 12× longer).
    const bound = Number(process.env.PERF_BOUND_MS ?? 10_000);

    it(`a 1 MB compose file is analysed in bounded, linear time (< ${bound} ms here)`, function () {
      const small = bigCompose(256 * 1024);
      const large = bigCompose(1024 * 1024);
      analyze({ 'docker-compose.yml': bigCompose(16 * 1024) }); // warm up
      const a = timed(() => analyze({ 'docker-compose.yml': small }));
      const b = timed(() => analyze({ 'docker-compose.yml': large }));
      assertSound(b.value.result, b.value.fs);
      assert.ok(b.ms < bound, `1 MB compose took ${b.ms.toFixed(0)} ms`);
      assert.ok(b.ms < 12 * Math.max(a.ms, 50), `1 MB took ${b.ms.toFixed(0)} ms, 256 KB took ${a.ms.toFixed(0)} ms: not linear`);
    });

    it(`a 1 MB Dockerfile is analysed in bounded, linear time (< ${bound} ms here)`, function () {
      const small = bigDockerfile(256 * 1024);
      const large = bigDockerfile(1024 * 1024);
      analyze({ Dockerfile: bigDockerfile(16 * 1024) });
      const a = timed(() => analyze({ Dockerfile: small, 'docker-compose.yml': 'services:\n  app:\n    build: .\n' }));
      const b = timed(() => analyze({ Dockerfile: large, 'docker-compose.yml': 'services:\n  app:\n    build: .\n' }));
      assertSound(b.value.result, b.value.fs);
      assert.ok(b.value.result.findings.every((f) => f.ruleId !== 'parse-error'), 'a 1 MB Dockerfile is within the limits and analysed');
      assert.ok(b.ms < bound, `1 MB Dockerfile took ${b.ms.toFixed(0)} ms`);
      assert.ok(b.ms < 12 * Math.max(a.ms, 50), `1 MB took ${b.ms.toFixed(0)} ms, 256 KB took ${a.ms.toFixed(0)} ms: not linear`);
    });

    it(`a 1 MB env file with 40,000 keys is analysed in bounded time (< ${bound} ms here)`, function () {
      const lines: string[] = [];
      for (let i = 0, size = 0; size < 1024 * 1024; i++) {
        lines.push(`KEY_${i % 40_000}=value-${i}`);
        size += lines[i]!.length + 1;
      }
      const files = { '.env.docker': lines.join('\n') + '\n', 'docker-compose.yml': 'services:\n  app:\n    image: x\n    env_file: .env.docker\n' };
      const b = timed(() => analyze(files));
      assertSound(b.value.result, b.value.fs);
      assert.ok(b.ms < bound, `1 MB env file took ${b.ms.toFixed(0)} ms`);
    });
  });
});
