import { isAlias, isMap, isNode, isScalar, isSeq, type Alias, type Document, type Node, type Pair, type YAMLMap, type Scalar } from 'yaml';
import type { LineIndex, Range } from '../text';
import { CLOSE_BRACE, CLOSE_BRACKET, DASH, DOUBLE_QUOTE, HASH, LF, OPEN_BRACE, OPEN_BRACKET, SINGLE_QUOTE, SPACE } from '../charCodes';

/** A YAML node reached from a map or sequence, aliases resolved, with where it came from. */
export interface Resolved<T extends Node = Node> {
  node: T;
  /** True when it arrived through an alias or a `<<` merge key (its range is at the anchor). */
  viaAlias: boolean;
}

/** Every alias of a document with its anchor, found in one walk; see {@link indexAliases}. */
export interface AliasIndex {
  /** The node each resolvable alias names. */
  targets: Map<Alias, Node>;
  /** Aliases with no anchor of that name before them. */
  unresolved: Alias[];
  /** Aliases inside the node their anchor names: following them never ends. */
  circular: Alias[];
  /** Nodes with an anchor, in document order. */
  anchored: Node[];
}

/**
 * Resolves every alias once, in document order (the last anchor of the name before the alias
 * wins, as YAML says). `Alias.resolve(doc)` walks the whole document on every call, which is
 * quadratic over a file with many aliases; and it happily returns an ancestor of the alias,
 * which makes a circular value.
 */
export function indexAliases(doc: Document.Parsed): AliasIndex {
  const anchors = new Map<string, Node>();
  const index = emptyAliasIndex();
  // Ancestors of the node being looked at, for the circular check. A hand-written walk: `visit`
  // copies and freezes the path at every node, which was most of this function's time.
  const path: Node[] = [];
  const walk = (node: unknown): void => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        index.unresolved.push(node);
      } else if (path.includes(target)) {
        index.circular.push(node);
      } else {
        index.targets.set(node, target);
      }
      return;
    }
    if (!isNode(node)) {
      return;
    }
    if (node.anchor) {
      anchors.set(node.anchor, node);
      index.anchored.push(node);
    }
    if (isMap(node)) {
      path.push(node);
      for (const pair of node.items) {
        walk(pair.key);
        walk(pair.value);
      }
      path.pop();
    } else if (isSeq(node)) {
      path.push(node);
      for (const item of node.items) {
        walk(item);
      }
      path.pop();
    }
  };
  walk(doc.contents);
  return index;
}

function emptyAliasIndex(): AliasIndex {
  return { targets: new Map(), unresolved: [], circular: [], anchored: [] };
}

export class YamlView {
  private aliasIndex?: AliasIndex;

  constructor(
    readonly doc: Document.Parsed,
    readonly lines: LineIndex,
  ) {}

  /**
   * The document's aliases, resolved once. A text with no `&` and no `*` has no anchor and no alias
   * (most compose files): the walk over every node is left out then.
   */
  get aliases(): AliasIndex {
    this.aliasIndex ??= /[&*]/.test(this.lines.text) ? indexAliases(this.doc) : emptyAliasIndex();
    return this.aliasIndex;
  }

  private aliasedNodes?: Set<Node>;

  /** Whether an alias elsewhere names this node: an edit to it changes what every alias reads. */
  isAliased(node: Node): boolean {
    this.aliasedNodes ??= new Set(this.aliases.targets.values());
    return this.aliasedNodes.has(node);
  }

  resolve(node: unknown, seen = 0): Resolved | undefined {
    if (isAlias(node)) {
      if (seen > 20) {
        return undefined;
      }
      // Unresolved and circular aliases resolve to nothing (the parser reports them).
      const target = this.aliases.targets.get(node);
      const inner = target ? this.resolve(target, seen + 1) : undefined;
      return inner ? { node: inner.node, viaAlias: true } : undefined;
    }
    return node ? { node: node as Node, viaAlias: false } : undefined;
  }

  range(node: { range?: [number, number, number] | null } | null | undefined): Range {
    const r = node?.range;
    if (!r) {
      return this.lines.rangeOf(0, 0);
    }
    return this.lines.rangeOf(r[0], r[1]);
  }

  /** The range of a map key, or of the node itself when the pair key has none. */
  keyRange(pair: Pair): Range {
    return this.range(pair.key as Node);
  }

  /** The pairs of a map, own pairs first, then those merged in with `<<` (each key once). */
  pairs(map: YAMLMap, depth = 0): { pair: Pair; viaAlias: boolean }[] {
    const own: { pair: Pair; viaAlias: boolean }[] = [];
    const merged: { pair: Pair; viaAlias: boolean }[] = [];
    for (const pair of map.items) {
      const key = scalarString(pair.key);
      if (key === '<<' && depth < 10) {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const r = this.resolve(source);
          if (r && isMap(r.node)) {
            for (const inner of this.pairs(r.node, depth + 1)) {
              merged.push({ pair: inner.pair, viaAlias: true });
            }
          }
        }
      } else {
        own.push({ pair, viaAlias: false });
      }
    }
    if (merged.length === 0) {
      return own;
    }
    const seen = new Set(own.map((p) => scalarString(p.pair.key)));
    for (const m of merged) {
      const k = scalarString(m.pair.key);
      if (!seen.has(k)) {
        seen.add(k);
        own.push(m);
      }
    }
    return own;
  }

  get(map: YAMLMap, key: string): { pair: Pair; value: Resolved | undefined; viaAlias: boolean } | undefined {
    for (const p of this.pairs(map)) {
      if (scalarString(p.pair.key) === key) {
        const value = this.resolve(p.pair.value);
        return { pair: p.pair, value: value && { node: value.node, viaAlias: value.viaAlias || p.viaAlias }, viaAlias: p.viaAlias };
      }
    }
    return undefined;
  }

  mapAt(map: YAMLMap, key: string): YAMLMap | undefined {
    const v = this.get(map, key)?.value?.node;
    return isMap(v) ? v : undefined;
  }
}

export function scalarString(node: unknown): string | undefined {
  if (isScalar(node)) {
    const v = (node as Scalar).value;
    if (v === null || v === undefined) {
      return '';
    }
    // With `merge: true` the parser turns a `<<` key into a symbol.
    if (typeof v === 'symbol') {
      return v.description;
    }
    return typeof v === 'object' ? undefined : String(v);
  }
  return undefined;
}

/** How deep YAML may nest before the engine refuses it unparsed (see {@link estimateYamlDepth}). */
export const MAX_YAML_DEPTH = 200;

/**
 * Whether YAML text nests deeper than {@link MAX_YAML_DEPTH}: every parse of workspace YAML asks
 * first (compose files, the config file, workflows, compose files found by content), so none of
 * them depends on how deep the parser's stack lets it go.
 */
export function yamlTooDeep(text: string): boolean {
  return estimateYamlDepth(text) > MAX_YAML_DEPTH;
}

/**
 * Estimates the nesting depth of YAML text without parsing it. The `yaml` parser can exhaust the
 * native stack on very deep input (a V8 fatal error no try/catch contains), so deep input is
 * refused before it reaches the parser.
 */
export function estimateYamlDepth(text: string): number {
  // Read as character codes: `text[i]` made a one-character string per character (2% of checking
  // the benchmark's compose files, where the scan runs before every parse).
  let max = 0;
  let flow = 0;
  let quote = -1;
  let lineStart = true;
  let indentDepth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (quote !== -1) {
      if (c === quote) {
        quote = -1;
      } else if (c === LF) {
        lineStart = true;
        indentDepth = 0;
      }
      continue;
    }
    if (c === LF) {
      lineStart = true;
      indentDepth = 0;
      continue;
    }
    if (lineStart) {
      if (c === SPACE) {
        indentDepth++;
        continue;
      }
      if (c === DASH && (text.charCodeAt(i + 1) === SPACE || text.charCodeAt(i + 1) === LF)) {
        indentDepth += 2;
        max = Math.max(max, Math.ceil(indentDepth / 2));
        i++;
        continue;
      }
      lineStart = false;
      max = Math.max(max, Math.ceil(indentDepth / 2));
    }
    if (c === HASH) {
      const eol = text.indexOf('\n', i);
      i = (eol === -1 ? n : eol) - 1;
      continue;
    }
    if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      quote = c;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      flow++;
      max = Math.max(max, flow + Math.ceil(indentDepth / 2));
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      flow = Math.max(0, flow - 1);
    }
  }
  return max;
}

/**
 * How many values the document holds once its aliases are expanded, counted without expanding
 * them and saturating just above `limit` (a "billion laughs" document multiplies aliases).
 */
export function expandedSize(view: YamlView, limit: number): number {
  const memo = new Map<Node, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = view.aliases.targets.get(node);
      return target ? size(target) : 1;
    }
    if (!node || typeof node !== 'object') {
      return 0;
    }
    const known = memo.get(node as Node);
    if (known !== undefined) {
      return known;
    }
    let n = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        n += size(pair.key) + size(pair.value);
        if (n > limit) {
          break;
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        n += size(item);
        if (n > limit) {
          break;
        }
      }
    }
    n = Math.min(n, limit + 1);
    if ((node as Node).anchor) {
      memo.set(node as Node, n);
    }
    return n;
  };
  // Anchors first, in document order: an alias names an earlier anchor, so following one never
  // recurses further than the nesting of a single value.
  for (const node of view.aliases.anchored) {
    size(node);
  }
  return size(view.doc.contents);
}
