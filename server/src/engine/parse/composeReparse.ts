import { isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { textEdit, type LineIndex } from '../text';

/** How the engine parses every compose file (its own duplicate-key check replaces yaml's quadratic one). */
/**
 * How compose files are parsed. `logLevel: 'error'`: yaml's warnings (a key that is a map, stringified
 * when compose-schema reads the file as JSON) went to the process's stderr as Node warnings, in the
 * CLI's output and the server's log; what is wrong with the file is reported as findings.
 */
export const COMPOSE_YAML_OPTIONS = {
  uniqueKeys: false,
  merge: true,
  prettyErrors: false,
  strict: false,
  logLevel: 'error',
} as const;

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
 * `services:` map, past the start of its key and before the next service (for the last one, before
 * the next top-level key, or anywhere up to the end of the file); that service without anchors
 * before and after; its new lines, with stand-ins for what surrounds them in the file, parsing
 * alone without error into the same structure, with no document markers. Aliases in it name
 * anchors before it, as in the whole file (they are resolved on the whole document, by name). No
 * `%YAML` or `%TAG` directive: the service alone would be read under YAML 1.2 and yaml's own tags.
 * `test/engine/composeReparse.test.ts` compares it with a full parse after random edits.
 *
 * Comments are not carried over exactly: yaml's `commentBefore` and `spaceBefore` of the edited
 * service's key, of the key after it and the document's closing `comment` can be missing or stale
 * (a review's fuzzer found it). No rule, fix or model reads them (the engine reads comments from the
 * text); the document is never printed.
 */
export function reparseOneService(previous: PreviousParse, text: string): Document.Parsed | undefined {
  const { doc, lines } = previous;
  const old = previous.text;
  if (!previous.clean || doc.errors.length > 0 || doc.warnings.length > 0 || old === text || hasDirectives(doc)) {
    return undefined;
  }
  // The edit: [start, oldEnd) of the old text became [start, oldEnd + delta) of the new one.
  const { start, oldEnd } = textEdit(old, text);
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
  // starts when it is the first) and before the line of the next service, or for the last service,
  // before the line of the next top-level key or the end of the file.
  const servicesPair = root.items[servicesAt]!;
  const rootLine = lineOf(servicesPair);
  const nextTop = root.items[servicesAt + 1];
  const servicesEnd = nextTop ? lineOf(nextTop) : old.length;
  const last = services.items.length - 1;
  const index = services.items.findIndex((pair, i) => {
    const keyStart = (pair.key as Node | null)?.range?.[0];
    const to = i < last ? lineOf(services.items[i + 1]) : rootLine === undefined ? undefined : servicesEnd;
    return (
      keyStart !== undefined &&
      lineOf(pair) !== undefined &&
      to !== undefined &&
      keyStart < start &&
      (oldEnd < to || (!nextTop && i === last))
    );
  });
  if (index < 0) {
    return undefined;
  }
  const blockStart = lineOf(services.items[index])!;
  const blockEnd = index < last ? lineOf(services.items[index + 1])! : servicesEnd!;
  const column = (services.items[index]!.key as Node).range![0] - blockStart;
  // An anchor in the service could be named by aliases elsewhere: what they stand for would change.
  if (hasAnchor(services.items[index])) {
    return undefined;
  }

  const block = text.slice(blockStart, blockEnd + delta);
  if (DOCUMENT_MARKERS.test(block)) {
    return undefined;
  }
  const parsed =
    index < last
      ? parseService(block, column)
      : parseLastService(block, column, (servicesPair.key as Node).range![0] - rootLine!, !nextTop);
  if (!parsed) {
    return undefined;
  }
  const { pair, offset } = parsed;
  // Its aliases name anchors before it, as in the whole file; it may not add anchors.
  if (hasAnchor(pair)) {
    return undefined;
  }

  // The new document shares the nodes before the service with the last one (nothing changes them);
  // those after it are copies with their positions moved; the maps holding it are new.
  const move = (x: number): number => (x >= oldEnd ? x + delta : x);
  const after = <P extends Pair<unknown, unknown>>(p: P): P => reused(movedCopy(p, move));
  const fromPart = (x: number): number => x - offset + blockStart;
  const placed = movedCopy(pair, fromPart);
  const newServices = movedCopy(services, move, false);
  newServices.items = services.items.map((p, i) => (i < index ? reused(p) : i === index ? (placed as typeof p) : after(p)));
  const newServicesPair = movedCopy(servicesPair, move, false);
  newServicesPair.value = newServices;
  const newRoot = movedCopy(root, move, false);
  newRoot.items = root.items.map((p, i) =>
    i < servicesAt ? reused(p) : i === servicesAt ? (newServicesPair as typeof p) : after(p),
  );
  const spliced = movedCopy(doc, move, false);
  spliced.contents = newRoot;
  // Where the last service ends, so do the services map and (at the end of the file) the document.
  const ends = (target: { range?: [number, number, number] | null }, from: [number, number, number] | null | undefined): void => {
    if (target.range && from) {
      target.range = [target.range[0], fromPart(from[1]), fromPart(from[2])];
    }
  };
  if (parsed.map) {
    ends(newServices, parsed.map.range);
  }
  if (parsed.root && parsed.document) {
    ends(newRoot, parsed.root.range);
    ends(spliced as { range?: [number, number, number] }, parsed.document.range);
  }
  spliced.errors = [];
  spliced.warnings = [];
  return spliced;
}

/**
 * A `%YAML` or `%TAG` directive: the service parsed alone would be read without it (under `%YAML 1.1`,
 * `yes` is true, not a string). yaml's defaults are YAML 1.2 and the `!!` handle alone.
 */
function hasDirectives(doc: Document.Parsed): boolean {
  const directives = doc.directives;
  return (
    directives !== undefined &&
    (directives.yaml.explicit === true ||
      directives.yaml.version !== '1.2' ||
      Object.keys(directives.tags).some((h) => h !== '!!'))
  );
}

/**
 * The pairs a reparse took over from the last document, shared or moved: a clean parse already read
 * them (no repeated key inside them) and made their arrays exact-size. parseCompose's walk over the
 * document checks their keys against their neighbours' but does not go into them again (before, it
 * copied every array of the shared nodes, which changed the last document and was most of a long
 * file's walk).
 */
const reusedPairs = new WeakSet<object>();

function reused<P extends object>(pair: P): P {
  reusedPairs.add(pair);
  return pair;
}

/** Whether a pair was taken over from the last document by {@link reparseOneService}. */
export function isReusedPair(pair: object): boolean {
  return reusedPairs.has(pair);
}

const NODE_TYPE = Symbol.for('yaml.node.type');
// The values yaml's nodes hold under NODE_TYPE (what isMap, isSeq and isPair compare with).
const MAP_TYPE = Symbol.for('yaml.map');
const SEQ_TYPE = Symbol.for('yaml.seq');
const PAIR_TYPE = Symbol.for('yaml.pair');

/** A service of the services map parsed alone: its pair, and where its block starts in the text parsed. */
interface PartialParse {
  pair: Pair;
  offset: number;
  /** For the last service: the services map, the top-level map and the document of the text parsed. */
  map?: YAMLMap;
  root?: YAMLMap;
  document?: Document.Parsed;
}

function parsedCleanly(part: Document.Parsed): YAMLMap | undefined {
  const map = part.contents;
  return part.errors.length === 0 && part.warnings.length === 0 && isMap(map) && !map.flow ? map : undefined;
}

function keyAt(pair: Pair | undefined, value: string | undefined, at: number): boolean {
  return isScalar(pair?.key) && (value === undefined || pair.key.value === value) && pair.key.range?.[0] === at;
}

/**
 * A service that another follows: what follows it in the file is the next service's key, at the same
 * column, so that is in the text parsed too (how far a value or a trailing comment reaches depends on
 * what follows).
 */
function parseService(block: string, column: number): PartialParse | undefined {
  const eol = block.endsWith('\r\n') ? '\r\n' : '\n';
  const map = parsedCleanly(parseDocument(`${block}${' '.repeat(column)}${SENTINEL}:${eol}`, COMPOSE_YAML_OPTIONS));
  if (!map || map.items.length !== 2) {
    return undefined;
  }
  const [pair, sentinel] = map.items as [Pair, Pair];
  return keyAt(pair, undefined, column) && keyAt(sentinel, SENTINEL, block.length + column) ? { pair, offset: 0 } : undefined;
}

/**
 * The last service: parsed inside a stand-in for the services key, followed by a stand-in for the
 * next top-level key, or by nothing at the end of the file, as in the file. Where it ends is where
 * the services map (and, at the end of the file, the top-level map and the document) end.
 */
function parseLastService(block: string, column: number, rootColumn: number, atEnd: boolean): PartialParse | undefined {
  const eol = /\r\n/.test(block) ? '\r\n' : '\n';
  if (!atEnd && !block.endsWith(eol)) {
    return undefined;
  }
  const indent = ' '.repeat(rootColumn);
  const prefix = `${indent}${SENTINEL}:${eol}`;
  const document = parseDocument(`${prefix}${block}${atEnd ? '' : `${indent}${SENTINEL}-after:${eol}`}`, COMPOSE_YAML_OPTIONS);
  const root = parsedCleanly(document);
  if (!root || root.items.length !== (atEnd ? 1 : 2) || !keyAt(root.items[0] as Pair, SENTINEL, rootColumn)) {
    return undefined;
  }
  if (!atEnd && !keyAt(root.items[1] as Pair, `${SENTINEL}-after`, prefix.length + block.length + rootColumn)) {
    return undefined;
  }
  const map = (root.items[0] as Pair).value;
  if (!isMap(map) || map.flow || map.items.length !== 1 || !keyAt(map.items[0] as Pair, undefined, prefix.length + column)) {
    return undefined;
  }
  return {
    pair: map.items[0] as Pair,
    offset: prefix.length,
    map,
    root: atEnd ? root : undefined,
    document: atEnd ? document : undefined,
  };
}

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
  const type = source[NODE_TYPE];
  const copy = Object.create(Object.getPrototypeOf(node)) as Record<string | symbol, unknown>;
  // The bundles' yaml marks the type on the class's prototype (scripts/yamlRewrite.mjs), yaml as
  // published on the node: the copy is marked where its source is.
  if (Object.prototype.hasOwnProperty.call(source, NODE_TYPE)) {
    Object.defineProperty(copy, NODE_TYPE, { value: type });
  }
  // (for-in: yaml's classes define no enumerable property on their prototypes; no array of keys is made.)
  for (const key in source) {
    copy[key] = source[key];
  }
  const range = source.range as [number, number, number] | null | undefined;
  if (range) {
    copy.range = [move(range[0]), move(range[1]), move(range[2])];
  }
  const collection = type === MAP_TYPE || type === SEQ_TYPE;
  if (collection) {
    Object.defineProperty(copy, 'schema', { value: source.schema, configurable: true, writable: true });
  }
  if (deep && type === PAIR_TYPE) {
    copy.key = movedCopy(source.key, move);
    copy.value = movedCopy(source.value, move);
  } else if (deep && collection) {
    const items = source.items as unknown[];
    const moved = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      moved[i] = movedCopy(items[i], move);
    }
    copy.items = moved;
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
