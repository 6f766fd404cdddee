import assert from 'node:assert/strict';
import fc from 'fast-check';
import { interpolate, literalText, NO_VARIABLES } from '../../server/src/engine/interpolation';

/** What a `.env` next to the compose file of a Django + Celery stack gives. */
const ENV = new Map([
  ['REGISTRY', 'ghcr.io/smarthr360'],
  ['WEB_TARGET', 'runtime'],
  ['TAG', '1.4.2'],
  ['EMPTY', ''],
]);

describe('compose interpolation', () => {
  const cases: [written: string, expected: string | undefined][] = [
    ['docker/Dockerfile.web', 'docker/Dockerfile.web'],
    ['$REGISTRY/web:$TAG', 'ghcr.io/smarthr360/web:1.4.2'],
    ['${REGISTRY}/web:${TAG}', 'ghcr.io/smarthr360/web:1.4.2'],
    // Not in .env: docker compose takes it from the shell, which is not known here.
    ['${DOCKERFILE}', undefined],
    ['$DOCKERFILE', undefined],
    ['${API_TARGET:-production}', 'production'],
    ['${API_TARGET-production}', 'production'],
    ['${WEB_TARGET:-production}', 'runtime'],
    // Set but empty: `:-` takes the default, `-` keeps the empty value.
    ['${EMPTY:-final}', 'final'],
    ['${EMPTY-final}', ''],
    ['${TAG:+-slim}', '-slim'],
    ['${EMPTY:+-slim}', ''],
    ['${EMPTY+-slim}', '-slim'],
    ['${NOPE:+-slim}', ''],
    ['${TAG:?TAG must be set}', '1.4.2'],
    ['${NOPE:?NOPE must be set}', undefined],
    ['${NOPE?NOPE must be set}', undefined],
    // Defaults interpolate in turn; one that is not used need not be known.
    ['${CONTEXT:-${APP_DIR:-./backend}}', './backend'],
    ['${WEB_TARGET:-${UNKNOWN}}', 'runtime'],
    ['${NOPE:-${UNKNOWN}}', undefined],
    ['${NOPE:-a}-${TAG}', 'a-1.4.2'],
    // `$$` is a literal `$`; a `$` before anything else is itself.
    ['$$TAG', '$TAG'],
    ['cost: 5$', 'cost: 5$'],
    // Malformed: not known.
    ['${TAG', undefined],
    ['${1}', undefined],
    ['${TAG:x}', undefined],
    ['${NOPE:-x', undefined],
  ];
  for (const [written, expected] of cases) {
    it(`${written} → ${expected === undefined ? 'unknown' : JSON.stringify(expected)}`, () => {
      assert.equal(interpolate(written, ENV), expected);
    });
  }

  it('leaves text without a $ as it is, and $$ always escapes', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const plain = text.replace(/\$/g, '');
        assert.equal(interpolate(plain, ENV), plain);
        assert.equal(interpolate(text.replace(/\$/g, '$$$$'), NO_VARIABLES), text);
      }),
    );
  });

  it('gives the value of a known variable wherever it stands, whatever default is written', () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
    const literal = fc.string().map((s) => s.replace(/[$}]/g, ''));
    fc.assert(
      fc.property(name, literal, literal, literal, (key, value, before, fallback) => {
        const vars = new Map([[key, value]]);
        const after = value === '' ? fallback : value;
        assert.equal(interpolate(`${before}\${${key}:-${fallback}}`, vars), `${before}${after}`);
        assert.equal(interpolate(`${before}\${${key}}`, vars), `${before}${value}`);
        assert.equal(interpolate(`${before}\${${key}-${fallback}}`, vars), `${before}${value}`);
      }),
    );
  });

  it('reads defaults nested 32 deep, and gives up past that instead of overflowing the stack', () => {
    const nested = (n: number): string => '${A:-'.repeat(n) + 'x' + '}'.repeat(n);
    assert.equal(interpolate(nested(32), ENV), 'x');
    assert.equal(interpolate(nested(33), ENV), undefined);
    assert.equal(interpolate(nested(200_000), ENV), undefined);
  });
});

describe('compose interpolation: the literal text a value writes', () => {
  const cases: [written: string, text: string][] = [
    ['${DB_HOST:-localhost}', 'localhost'],
    ['${REDIS_HOST-localhost}', 'localhost'],
    ['redis://${REDIS_HOST:-localhost}:6379/0', 'redis://localhost:6379/0'],
    ['${CONTEXT:-${APP_DIR:-./backend}}', './backend'],
    ['${USE_TLS:+rediss://cache:6380}', 'rediss://cache:6380'],
    // An error message is no value; variables without a default stay as written.
    ['${PGHOST:?set PGHOST, e.g. localhost}', ''],
    ['postgres://app:${DB_PASSWORD}@db:5432/app', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['$HOME/.cache', '$HOME/.cache'],
    ['$${DB_HOST:-localhost}', '${DB_HOST:-localhost}'],
    ['${DB_HOST:-localhost', '${DB_HOST:-localhost'],
  ];
  for (const [written, text] of cases) {
    it(`${written} → ${JSON.stringify(text)}`, () => {
      assert.equal(literalText(written).text, text);
    });
  }

  it('maps each character back to where the value writes it', () => {
    const written = 'redis://${REDIS_HOST:-localhost}:6379/0';
    const { text, offsets } = literalText(written);
    const at = text.indexOf('localhost');
    assert.equal(written.slice(offsets[at], offsets[at]! + 'localhost'.length), 'localhost');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', '+', '?', 'A', 'b', '/') }), (value) => {
        const r = literalText(value);
        assert.equal(r.offsets.length, r.text.length);
        r.offsets.forEach((o, i) => {
          assert.equal(value[o], r.text[i]);
          assert.ok(i === 0 || o > r.offsets[i - 1]!);
        });
      }),
    );
  });

  it('reads defaults nested 32 deep, and keeps deeper ones as written instead of overflowing the stack', () => {
    const nested = (n: number): string => '${A:-'.repeat(n) + 'localhost' + '}'.repeat(n);
    assert.equal(literalText(nested(32)).text, 'localhost');
    const deep = literalText(nested(200_000)).text;
    assert.ok(deep.startsWith('${A:-') && deep.includes('localhost'));
  });
});
