import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { joinPath, normalizePath } from '../../server/src/engine/paths';
import { fuzzParams } from '../reliability/helpers';

/** The definition: backslashes are slashes, empty and `.` segments go, `..` takes the segment before it. */
function reference(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

const segment = fc.constantFrom('', '.', '..', '...', '.env', 'a', 'app', '..a', 'a.', 'b\\c', 'src');
const path = fc.array(segment, { maxLength: 6 }).map((s) => s.join('/'));
/** Paths with the ends normalizePath takes off at once: container paths' `/`, folders' trailing `/`, `./`. */
const ends = fc
  .tuple(fc.constantFrom('', '/', '//', './', './/', '/./', '././', '.'), path, fc.constantFrom('', '/', '//', '/.', '/./'))
  .map(([head, body, tail]) => head + body + tail);

describe('workspace paths', () => {
  it('normalizePath: what the definition gives, already-normal paths returned as they are (property)', () => {
    fc.assert(
      fc.property(fc.oneof(path, ends), (p) => {
        const n = normalizePath(p);
        assert.equal(n, reference(p), JSON.stringify(p));
        assert.equal(normalizePath(n), n);
      }),
      fuzzParams(2000),
    );
  });

  it('normalizePath: the cases that look normal and are not', () => {
    const cases: Record<string, string> = {
      '': '',
      a: 'a',
      'a/b': 'a/b',
      '/a': 'a',
      'a/': 'a',
      'a//b': 'a/b',
      './a': 'a',
      'a/.': 'a',
      'a/./b': 'a/b',
      'a/../b': 'b',
      '../a': '../a',
      'a/..': '',
      '.a/..b/c.': '.a/..b/c.',
      'a\\b': 'a/b',
      '...': '...',
      '/app/static/': 'app/static',
      '//a': 'a',
      './/a/': 'a',
      '/./a': 'a',
      './../a': '../a',
      '/..': '..',
      '/': '',
      './': '',
      '.': '',
      'a/./': 'a',
      '/a\\b/': 'a/b',
    };
    for (const [input, expected] of Object.entries(cases)) {
      assert.equal(normalizePath(input), expected, JSON.stringify(input));
    }
    assert.equal(joinPath('deploy', '..', 'docker', './Dockerfile.web'), 'docker/Dockerfile.web');
    // Two segments, the usual call, either of them empty.
    assert.equal(joinPath('services/web', 'app/'), 'services/web/app');
    assert.equal(joinPath('', './app'), 'app');
    assert.equal(joinPath('services/web', ''), 'services/web');
    assert.equal(joinPath('', ''), '');
    assert.equal(joinPath('deploy', '../docker'), 'docker');
  });
});
