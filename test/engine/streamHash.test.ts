import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { StreamHash } from '../../server/src/engine/text';
import { fuzzParams } from '../reliability/helpers';

type Token = { str: string } | { int: number } | { mark: number };

function digest(tokens: readonly Token[]): string {
  const hash = new StreamHash();
  for (const t of tokens) {
    if ('str' in t) {
      hash.str(t.str);
    } else if ('int' in t) {
      hash.int(t.int);
    } else {
      hash.mark(t.mark);
    }
  }
  return hash.digest();
}

const token: fc.Arbitrary<Token> = fc.oneof(
  fc.record({ str: fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', '1', ':', '\uffff', '\u0000') }) }),
  fc.record({ int: fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.constantFrom(0, 1, 65536, -1)) }),
  fc.record({ mark: fc.integer({ min: 0, max: 5 }) }),
);

// The interface digest of compose files (which edits re-check other files) is this hash of the
// model's pieces: equal pieces must give equal digests, and different ones different digests.
describe('StreamHash', () => {
  it('tells apart how a text is cut into strings, strings from integers, and integers from each other', () => {
    const cases: Token[][] = [
      [{ str: 'ab' }, { str: 'c' }],
      [{ str: 'a' }, { str: 'bc' }],
      [{ str: 'abc' }],
      [{ str: '1' }],
      [{ int: 1 }],
      [{ int: 65536 }],
      [{ int: 0 }, { int: 1 }],
      [{ int: -1 }],
      [{ str: '\uffff' }],
      [{ mark: 1 }, { str: 'x' }],
      [{ mark: 2 }, { str: 'x' }],
      [],
    ];
    const digests = cases.map(digest);
    assert.equal(new Set(digests).size, cases.length, digests.join(' '));
  });

  it('gives the same digest for the same pieces and a different one for different pieces (property)', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), fc.array(token, { maxLength: 8 }), (a, b) => {
        assert.equal(digest(a), digest(structuredClone(a)));
        const same = JSON.stringify(a) === JSON.stringify(b);
        assert.equal(digest(a) === digest(b), same, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }),
      fuzzParams(300),
    );
  });
});
