import * as assert from 'node:assert/strict';
import { formatTiming, sumTimings, summarizeGc } from '../../server/src/cli/check';

/** GCProfiler's entries, as `stop()` returns them (only the fields the summary reads). */
function entry(gcType: string, costMicros: number): { gcType: string; cost: number } {
  return { gcType, cost: costMicros };
}

describe('cli: --timing', function () {
  it('sums the collector by kind, in milliseconds, the costliest first', function () {
    const gc = summarizeGc({
      statistics: [
        entry('Scavenge', 9_000),
        entry('MarkSweepCompact', 40_500),
        entry('Scavenge', 11_000),
        entry('IncrementalMarking', 1_250),
        entry('SomethingNewer', 250),
      ] as never,
    });
    assert.deepEqual(gc, {
      ms: 62,
      kinds: [
        { kind: 'full collection', count: 1, ms: 40.5 },
        { kind: 'young-generation collection', count: 2, ms: 20 },
        { kind: 'incremental marking step', count: 1, ms: 1.25 },
        { kind: 'SomethingNewer', count: 1, ms: 0.25 },
      ],
    });
  });

  it('prints the phases, the collector within them, then the rules (byte for byte)', function () {
    const text = formatTiming([
      {
        root: 'stack',
        files: 12,
        timing: {
          totalMs: 250,
          parseMs: 120,
          projectMs: 10,
          rules: { 'install-outside-base': { ms: 80, runs: 4 }, 'shared-volume-missing': { ms: 30.25, runs: 1 } },
        },
        gc: {
          ms: 62,
          kinds: [
            { kind: 'full collection', count: 1, ms: 40.5 },
            { kind: 'young-generation collection', count: 2, ms: 20 },
            { kind: 'SomethingNewer', count: 3, ms: 1.5 },
          ],
        },
      },
    ]);
    assert.equal(
      text,
      [
        'Timing of stack (12 files): 250 ms',
        '  reading and parsing                  120 ms   48.0%',
        '  project (relating the files)        10.0 ms    4.0%',
        '  rules                                110 ms   44.1%',
        '  other (caches, sorting)              9.8 ms    3.9%',
        '  of which, garbage collection        62.0 ms   24.8%',
        '    (1 full collection 40.5 ms, 2 young-generation collections 20.0 ms, 3 SomethingNewer 1.5 ms)',
        '',
        '  Rule                   Time (ms)  Relative    Runs',
        '  install-outside-base        80.0     72.6%       4',
        '  shared-volume-missing       30.3     27.4%       1',
        '  (A rule is charged with the shared facts it asks for first, such as the RUN commands of a Dockerfile.)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('adds up analyses phase by phase and rule by rule (a --fix run)', function () {
    const sum = sumTimings([
      { totalMs: 100, parseMs: 60, projectMs: 5, rules: { a: { ms: 20, runs: 3 }, b: { ms: 10, runs: 1 } } },
      { totalMs: 30, parseMs: 8, projectMs: 2, rules: { a: { ms: 15, runs: 2 }, c: { ms: 1.5, runs: 1 } } },
      { totalMs: 0.5, parseMs: 0.25, projectMs: 0, rules: {} },
    ]);
    assert.deepEqual(sum, {
      totalMs: 130.5,
      parseMs: 68.25,
      projectMs: 7,
      rules: { a: { ms: 35, runs: 5 }, b: { ms: 10, runs: 1 }, c: { ms: 1.5, runs: 1 } },
    });
  });

  it('with --fix: how many analyses, and the fixes as a row of their own in the total (byte for byte)', function () {
    const text = formatTiming([
      {
        root: 'stack',
        files: 3,
        timing: { totalMs: 150, parseMs: 90, projectMs: 10, rules: { 'install-outside-base': { ms: 40, runs: 6 } } },
        gc: { ms: 0, kinds: [] },
        fix: { analyses: 3, ms: 50 },
      },
    ]);
    assert.equal(
      text,
      [
        'Timing of stack (3 files; 3 analyses and the fixes between them): 200 ms',
        '  reading and parsing                 90.0 ms   45.0%',
        '  project (relating the files)        10.0 ms    5.0%',
        '  rules                               40.0 ms   20.0%',
        '  other (caches, sorting)             10.0 ms    5.0%',
        '  fixes (computing, writing)          50.0 ms   25.0%',
        '  of which, garbage collection         0.0 ms    0.0%',
        '',
        '  Rule                  Time (ms)  Relative    Runs',
        '  install-outside-base       40.0    100.0%       6',
        '  (A rule is charged with the shared facts it asks for first, such as the RUN commands of a Dockerfile.)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('without the collector measured (an analysis not timed by the CLI), prints no collector line', function () {
    const text = formatTiming([{ root: 'stack', files: 1, timing: { totalMs: 10, parseMs: 5, projectMs: 1, rules: {} } }]);
    assert.doesNotMatch(text, /garbage collection/);
    assert.match(text, /^Timing of stack \(1 file\): 10\.0 ms\n/);
  });
});
