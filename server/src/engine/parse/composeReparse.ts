import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { LineIndex } from '../text';

/** How the engine parses every compose file (its own duplicate-key check replaces yaml's quadratic one). */
export const COMPOSE_YAML_OPTIONS = { uniqueKeys: false, merge: true, prettyErrors: false, strict: false } as const;

/** What a reparse needs of the file's last parse. */
export interface PreviousParse {
  text: string;
  lines: LineIndex;
  doc: Document.Parsed;
  /** True when the last parse had no problem at all (errors, duplicate keys, aliases). */
  clean: boolean;
}

/** A key that stands for the next service while a service is parsed alone. */
const SENTINEL = 'docker-modularity-next-service';

/** Lines that end or start a YAML document, or are directives: they change what follows them. */
const DOCUMENT_MARKERS = /^(---|\.\.\.)(\s|$)|^%/m;

/**
 * The document of `text` when only one service of the last parse changed: yaml parses that
 * service's lines alone, and the rest of the last document is reused with its positions moved.
 * Typing in a compose file parses ~1/20 of it instead of all of it (yaml allocates about 500
 * bytes per byte it parses, which is most of a compose edit's garbage).
 *
 * Gives up (undefined, and the caller parses the whole text) unless the result is certainly what
 * a full parse gives: the last parse without problems; the edit inside one service of a block
 * `services:` map (not the last one), past the start of its key and before the next service; that
 * service without anchors before and after; its new lines, followed by a stand-in for the next
 * service's key, parsing alone without error as two keys at the same column, with no document
 * markers. Aliases in it name anchors before it, as in the whole file (they are resolved on the
 * whole document, by name). `test/engine/composeReparse.test.ts` compares it with a full parse
 * after random edits.
 */
export function reparseOneService(previous: PreviousParse, text: string): Document.Parsed | undefined {
  const { doc, lines } = previous;
  const old = previous.text;
  if (!previous.clean || doc.errors.length > 0 || doc.warnings.length > 0 || old === text) {
    return undefined;
  }
  // The edit: [start, oldEnd) of the old text became [start, oldEnd + delta) of the new one.
  const limit = Math.min(old.length, text.length);
  let start = 0;
  while (start < limit && old.charCodeAt(start) === text.charCodeAt(start)) {
    start++;
  }
  let suffix = 0;
  while (suffix < limit - start && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) {
    suffix++;
  }
  const oldEnd = old.length - suffix;
  const delta = text.length - old.length;

  const root = doc.contents;
  if (!isMap(root) || root.flow) {
    return undefined;
  }
  const servicesAt = root.items.findIndex((p) => isScalar(p.key) && p.key.value === 'services');
  const services = root.items[servicesAt]?.value;
  if (!isMap(services) || services.flow || services.items.length === 0) {
    return undefined;
  }
  /** Where the line of a pair's key starts, when the key is the first thing on it. */
  const lineOf = (pair: Pair | undefined): number | undefined => {
    const key = pair?.key;
    if (!isScalar(key) || !key.range) {
      return undefined;
    }
    const lineStart = lines.lineStart(lines.positionAt(key.range[0]).line);
    return /^ *$/.test(old.slice(lineStart, key.range[0])) ? lineStart : undefined;
  };
  // The service the edit falls in: after the first character of its key (where the services map
  // starts when it is the first) and before the line of the next service. Not the last service:
  // where the services map, and the file's top-level map, end depends on its content.
  const index = services.items.findIndex((pair, i) => {
    const keyStart = (pair.key as Node | null)?.range?.[0];
    const to = lineOf(services.items[i + 1]);
    return keyStart !== undefined && lineOf(pair) !== undefined && to !== undefined && keyStart < start && oldEnd < to;
  });
  if (index < 0) {
    return undefined;
  }
  const blockStart = lineOf(services.items[index])!;
  const blockEnd = lineOf(services.items[index + 1])!;
  const column = (services.items[index]!.key as Node).range![0] - blockStart;
  // An anchor in the service could be named by aliases elsewhere: what they stand for would change.
  if (hasAnchor(services.items[index])) {
    return undefined;
  }

  const block = text.slice(blockStart, blockEnd + delta);
  if (DOCUMENT_MARKERS.test(block)) {
    return undefined;
  }
  // What follows the service in the file is the next service's key, at the same column: so it is
  // in the text parsed too (how far a value or a trailing comment reaches depends on what follows).
  const eol = block.endsWith('\r\n') ? '\r\n' : '\n';
  const part = parseDocument(`${block}${' '.repeat(column)}${SENTINEL}:${eol}`, COMPOSE_YAML_OPTIONS);
  const map = part.contents;
  if (part.errors.length > 0 || part.warnings.length > 0 || !isMap(map) || map.flow || map.items.length !== 2) {
    return undefined;
  }
  const [pair, sentinel] = map.items as [Pair, Pair];
  if (
    !isScalar(pair.key) ||
    pair.key.range?.[0] !== column ||
    !isScalar(sentinel.key) ||
    sentinel.key.value !== SENTINEL ||
    sentinel.key.range?.[0] !== block.length + column
  ) {
    return undefined;
  }
  // Its aliases name anchors before it, as in the whole file; it may not add anchors.
  if (hasAnchor(pair)) {
    return undefined;
  }

  // The new document shares the nodes before the service with the last one (nothing changes them);
  // those after it are copies with their positions moved; the maps holding it are new.
  const move = (x: number): number => (x >= oldEnd ? x + delta : x);
  const after = <P extends Pair<unknown, unknown>>(p: P): P => movedCopy(p, move);
  const placed = movedCopy(pair, (x) => x + blockStart);
  const servicesPair = root.items[servicesAt]!;
  const newServices = movedCopy(services, move, false);
  newServices.items = services.items.map((p, i) => (i < index ? p : i === index ? (placed as typeof p) : after(p)));
  const newServicesPair = movedCopy(servicesPair, move, false);
  newServicesPair.value = newServices;
  const newRoot = movedCopy(root, move, false);
  newRoot.items = root.items.map((p, i) => (i < servicesAt ? p : i === servicesAt ? (newServicesPair as typeof p) : after(p)));
  const spliced = movedCopy(doc, move, false);
  spliced.contents = newRoot;
  spliced.errors = [];
  spliced.warnings = [];
  return spliced;
}

const NODE_TYPE = Symbol.for('yaml.node.type');

/**
 * A copy of a node, pair or document with its positions moved: deep, or sharing its children. yaml's
 * own clone copies every property through its descriptor, which made copying the nodes after an
 * edit cost more than parsing the service; this copies what yaml's nodes hold: their enumerable
 * fields, the type symbol and (for collections) the non-enumerable schema, as yaml defines them.
 */
function movedCopy<T>(node: T, move: (offset: number) => number, deep = true): T {
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const source = node as unknown as Record<string | symbol, unknown>;
  const copy = Object.create(Object.getPrototypeOf(node)) as Record<string | symbol, unknown>;
  Object.defineProperty(copy, NODE_TYPE, { value: source[NODE_TYPE] });
  for (const key of Object.keys(source)) {
    copy[key] = source[key];
  }
  const range = source.range as [number, number, number] | null | undefined;
  if (range) {
    copy.range = [move(range[0]), move(range[1]), move(range[2])];
  }
  if (isMap(node) || isSeq(node)) {
    Object.defineProperty(copy, 'schema', { value: node.schema, configurable: true, writable: true });
  }
  if (deep && isPair(node)) {
    copy.key = movedCopy(node.key, move);
    copy.value = movedCopy(node.value, move);
  } else if (deep && (isMap(node) || isSeq(node))) {
    copy.items = (node.items as unknown[]).map((item) => movedCopy(item, move));
  }
  return copy as T;
}

/** Whether a node, or any node inside it, has an anchor. */
function hasAnchor(node: unknown): boolean {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.key, n.value);
    } else if (isNode(n)) {
      if ((n as { anchor?: string }).anchor) {
        return true;
      }
      if (isMap(n) || isSeq(n)) {
        for (const item of n.items as unknown[]) {
          stack.push(item);
        }
      }
    }
  }
  return false;
}
