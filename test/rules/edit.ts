/**
 * Checked text edits for deriving a rule test's expected fix output (or a variant fixture) from
 * the input it starts from: each edit names the text it changes, and fails loudly when that text
 * does not occur exactly once, so a fixture change that breaks a derivation cannot pass silently.
 */

function countOf(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + 1)) {
    count++;
  }
  return count;
}

/** `text` with the one occurrence of `search` replaced by `replacement`; throws unless `search` occurs exactly once. */
export function replaceOnce(text: string, search: string, replacement: string): string {
  if (search === '') {
    throw new Error('replaceOnce: empty search text');
  }
  const count = countOf(text, search);
  if (count !== 1) {
    throw new Error(`replaceOnce: expected ${JSON.stringify(search)} exactly once, found it ${count} times in:\n${text}`);
  }
  const at = text.indexOf(search);
  return text.slice(0, at) + replacement + text.slice(at + search.length);
}

/** `text` with several {@link replaceOnce} edits applied in order: `[search, replacement]` pairs. */
export function replaceEach(text: string, ...edits: [search: string, replacement: string][]): string {
  return edits.reduce((t, [search, replacement]) => replaceOnce(t, search, replacement), text);
}

/** `text` without the one occurrence of `search`. */
export function removeOnce(text: string, search: string): string {
  return replaceOnce(text, search, '');
}

/** `text` with `added` inserted right after the one occurrence of `anchor`. */
export function insertAfter(text: string, anchor: string, added: string): string {
  return replaceOnce(text, anchor, anchor + added);
}

/** `text` with `added` inserted right before the one occurrence of `anchor`. */
export function insertBefore(text: string, anchor: string, added: string): string {
  return replaceOnce(text, anchor, added + anchor);
}

/** `text` with CRLF line endings; throws if it already has a carriage return. */
export function crlf(text: string): string {
  if (text.includes('\r')) {
    throw new Error('crlf: the text already has a carriage return');
  }
  return text.replace(/\n/g, '\r\n');
}

/** `text` with every occurrence of `search` replaced; throws unless it occurs exactly `count` times. */
export function replaceEvery(text: string, search: string, replacement: string, count: number): string {
  if (search === '') {
    throw new Error('replaceEvery: empty search text');
  }
  const found = countOf(text, search);
  if (found !== count) {
    throw new Error(`replaceEvery: expected ${JSON.stringify(search)} ${count} times, found it ${found} times in:\n${text}`);
  }
  return text.split(search).join(replacement);
}
