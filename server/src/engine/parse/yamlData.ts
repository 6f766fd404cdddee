import { Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';

/** What {@link plainData} returns for a document it leaves to yaml's own `toJS`. */
export const NOT_PLAIN: unique symbol = Symbol('not plain');

/**
 * A document's data, as `doc.toJS()` gives it, for a document made only of maps, sequences and
 * scalars, with scalar keys: the compose files nearly every workspace has. yaml's `toJS` does more
 * (anchors and their aliases, `<<` merge keys, collections as keys, yaml 1.1's sets and ordered maps)
 * and pays for it on every node: a context object, an anchor lookup, a key stringified through a
 * generic path. Anything else found returns {@link NOT_PLAIN}, and the caller asks yaml: an alias,
 * a merge key, a key that is not a string, number or boolean, a node of another class.
 * test/engine/yamlData.test.ts holds it to `toJS` on the compose files of the fixtures, the example
 * and a generated monorepo, and on random documents.
 */
export function plainData(doc: Document): unknown {
  const contents = doc.contents;
  if (contents === null) {
    return null;
  }
  return dataOf(contents);
}

function dataOf(node: unknown): unknown {
  if (node === null) {
    // A key without a value.
    return null;
  }
  const kind = (node as object).constructor;
  if (kind === Scalar) {
    // Document.toJS keeps scalars' values as they are (its `keep`).
    return (node as Scalar).value;
  }
  if (kind === YAMLMap) {
    const out: Record<string, unknown> = {};
    for (const pair of (node as YAMLMap).items) {
      const key = pair.key as unknown;
      if (key === null || (key as object).constructor !== Scalar) {
        return NOT_PLAIN;
      }
      const k = (key as Scalar).value;
      let name: string;
      if (k === null) {
        name = '';
      } else if (typeof k === 'string') {
        if (k === '<<') {
          return NOT_PLAIN;
        }
        name = k;
      } else if (typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint') {
        name = String(k);
      } else {
        return NOT_PLAIN;
      }
      const value = dataOf(pair.value);
      if (value === NOT_PLAIN) {
        return NOT_PLAIN;
      }
      // As yaml adds a pair: a key already there (`__proto__`, or a repeated key) is defined anew.
      if (name in out) {
        Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true });
      } else {
        out[name] = value;
      }
    }
    return out;
  }
  if (kind === YAMLSeq) {
    const items = (node as YAMLSeq).items;
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const value = dataOf(items[i]);
      if (value === NOT_PLAIN) {
        return NOT_PLAIN;
      }
      out.push(value);
    }
    return out;
  }
  return NOT_PLAIN;
}
