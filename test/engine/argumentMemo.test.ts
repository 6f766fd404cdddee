import * as assert from 'node:assert/strict';
import type { Instruction } from 'dockerfile-ast';
import { ARGUMENT_MEMO_SIZE, parseDockerfile } from '../../server/src/engine/parse/dockerfile';

/** Service Dockerfiles of a worker fleet: each installs its own packages and copies its code. */
function serviceDockerfile(n: number): string {
  const lines = ['# syntax=docker/dockerfile:1', `FROM registry.example.com/platform/base:1.4 AS runtime`, 'WORKDIR /app'];
  for (let i = 0; i < 30; i++) {
    lines.push(`RUN pip install --no-cache-dir worker-plugin-${n}-${i}==1.${i}.0`);
    lines.push(`COPY --chown=app:app plugins/plugin_${i}.py /app/plugins/`);
  }
  lines.push('USER app', `CMD ["celery", "-A", "service_${n}", "worker"]`);
  return lines.join('\n') + '\n';
}

/** The memoized argument arrays an instruction holds, by slot (one symbol-keyed slot per method). */
function memoSlots(instruction: Instruction): symbol[] {
  const slots = instruction as unknown as Record<symbol, unknown>;
  return Object.getOwnPropertySymbols(instruction).filter((s) => Array.isArray(slots[s]));
}

/** dockerfile-ast's private getRawArguments, which the memo also covers. */
function raw(instruction: Instruction): unknown[] {
  return (instruction as unknown as { getRawArguments(): unknown[] }).getRawArguments();
}

describe('memoized instruction arguments', () => {
  const models = [1, 2, 3, 4].map((n) => parseDockerfile(`services/worker-${n}/Dockerfile`, serviceDockerfile(n)));
  const instructions = models.flatMap((m) => m.ast.getInstructions());

  it('gives the same arguments on every call, before and after an instruction leaves the memo', () => {
    const first = instructions.map((i) => i.getArguments().map((a) => a.getValue()));
    // Every instruction asked once more: by now the first ones have left the memo.
    const again = instructions.map((i) => i.getArguments().map((a) => a.getValue()));
    assert.deepEqual(again, first);
    assert.deepEqual(first[2], ['pip', 'install', '--no-cache-dir', 'worker-plugin-1-0==1.0.0']);
    assert.deepEqual(first[3], ['plugins/plugin_0.py', '/app/plugins/'], 'flags are not arguments');
  });

  it('hands out a copy: a caller shifting the array does not change the next answer', () => {
    const copy = instructions[3]!;
    copy.getArguments().shift();
    raw(copy).length = 0;
    assert.deepEqual(
      copy.getArguments().map((a) => a.getValue()),
      ['plugins/plugin_0.py', '/app/plugins/'],
    );
    assert.equal(raw(copy).length, 3);
  });

  it(`keeps the arguments of at most ${ARGUMENT_MEMO_SIZE} instructions per method, the ones asked last`, () => {
    assert.ok(instructions.length > 2 * ARGUMENT_MEMO_SIZE, 'the files have more instructions than the memo holds');
    for (const i of instructions) {
      i.getArguments();
    }
    const perSlot = new Map<symbol, Instruction[]>();
    for (const i of instructions) {
      for (const slot of memoSlots(i)) {
        perSlot.set(slot, [...(perSlot.get(slot) ?? []), i]);
      }
    }
    assert.equal(perSlot.size, 2, 'getArguments and getRawArguments');
    for (const holding of perSlot.values()) {
      assert.ok(holding.length <= ARGUMENT_MEMO_SIZE, `${holding.length} instructions hold memoized arguments`);
      assert.ok(holding.includes(instructions[instructions.length - 1]!), 'the last one asked is kept');
    }
    assert.deepEqual(memoSlots(instructions[0]!), [], 'the first one asked has left both');
  });
});
