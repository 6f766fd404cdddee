import { parseDocument, isMap, isSeq, isScalar, type Node, type YAMLMap, type Pair } from 'yaml';
import { compactArrays, LineIndex, type Range } from '../text';
import { scalarString, YamlView, estimateYamlDepth, expandedSize, MAX_YAML_DEPTH } from './yamlUtil';
import { COMPOSE_YAML_OPTIONS, isReusedPair, reparseOneService } from './composeReparse';

/** The deepest YAML nesting the engine will hand to the parser. */
export { MAX_YAML_DEPTH };

/** The most values a compose file may hold once its aliases are expanded. */
export const MAX_EXPANDED_VALUES = 100_000;

/** The longest YAML text (UTF-16 code units, about 2 MB) the engine parses; longer files get a parse error. */
export const MAX_YAML_LENGTH = 2 * 1024 * 1024;

/** A length in code units as a size for people (`2.0 MB`, `12 KB`). */
export function formatLength(length: number): string {
  return length >= 1024 * 1024 ? `${(length / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(length / 1024)} KB`;
}

export interface ParseProblem {
  message: string;
  range: Range;
  /** A second YAML document: valid YAML, and valid compose since compose-go merges documents, but not read here. */
  multipleDocuments?: boolean;
}

export interface ValueRef {
  value: string;
  range: Range;
  /** True when the value came through an alias or merge key (its range is at the anchor). */
  viaAlias: boolean;
}

export interface VolumeMount {
  /**
   * A short-syntax source is a host path (a bind mount) when it starts with `.`, `/`, `~` or a drive
   * (see {@link isHostPathSource}), else a volume name. One starting with a variable is read here,
   * where no variable is known, as a bind mount; a service's mount (Project) as its value says.
   */
  type: 'volume' | 'bind' | 'tmpfs' | 'other';
  /** Named volume or host path; undefined for anonymous volumes. */
  source?: string;
  /**
   * In a service's mounts, the source as written when its variables are known and `source` is their
   * value (`${MEDIA_VOLUME:-media}` for `media`); undefined otherwise.
   */
  written?: string;
  target: string;
  readOnly: boolean;
  /** The whole entry (a short-syntax string, or the long-syntax map). */
  range: Range;
  sourceRange?: Range;
  targetRange?: Range;
  viaAlias: boolean;
  node: Node;
}

export interface EnvFileRef {
  path: string;
  required: boolean;
  range: Range;
  viaAlias: boolean;
}

export interface EnvironmentEntry {
  key: string;
  /** undefined for `- KEY` / `KEY:` with no value (taken from the shell). */
  value?: string;
  keyRange: Range;
  valueRange?: Range;
  /** The whole entry: `KEY=value` list item or the `KEY: value` pair. */
  range: Range;
  viaAlias: boolean;
  /** Offsets of the entry in the file, for edits: [start, end). */
  offsets: [number, number];
  /** 'list' for `- KEY=value`, 'map' for `KEY: value`. */
  style: 'list' | 'map';
}

/** A file `include:` names; the long form may give the env files and folder it is read with. */
export interface IncludeRef extends ValueRef {
  /** `env_file`: the files its variables come from (as written), instead of the `.env` of its project directory. */
  envFiles?: string[];
  /** `project_directory` (as written): the folder its relative paths and its `.env` are read from. */
  projectDirectory?: string;
  /** A later path of `path: [a.yaml, a.override.yaml]`: merged over the one before it, as `-f a -f b` merges. */
  overridesPrevious?: true;
}

export interface BuildSpec {
  /** As written, before resolution; '.' when absent. */
  context: string;
  contextRange?: Range;
  dockerfile?: string;
  dockerfileRange?: Range;
  /** `target`: the stage built, as written (the last stage when absent). */
  target?: string;
  targetRange?: Range;
  /**
   * `args`, as written (map or `KEY=value` list); `value` undefined for a key with no value, which
   * compose takes from the shell. They set the `ARG`s a `FROM ${BASE_IMAGE}` reads.
   */
  args?: { key: string; value?: string }[];
  /** `dockerfile_inline`: the text and where its first character sits in the compose file. */
  inline?: { text: string; offset: number; range: Range; blockIndent: number };
  range: Range;
  keyRange: Range;
}

/**
 * A key of a service definition. `merge`: its value is tagged `!reset` (compose-go ignores the
 * value and drops what the files and `extends` before gave the key: the definition's list is then
 * empty) or `!override` (the value replaces what came before instead of merging with it).
 */
export interface ServiceKey {
  keyRange: Range;
  node: Node;
  merge?: 'reset' | 'override';
}

export interface ComposeServiceDef {
  name: string;
  keyRange: Range;
  node: YAMLMap;
  path: string;
  build?: BuildSpec;
  image?: ValueRef;
  volumes: VolumeMount[];
  volumesKey?: ServiceKey;
  envFiles: EnvFileRef[];
  envFileKey?: ServiceKey;
  environment: EnvironmentEntry[];
  environmentKey?: ServiceKey;
  networks: ValueRef[];
  networksKey?: ServiceKey;
  networkMode?: ValueRef;
  dependsOn: ValueRef[];
  links: ValueRef[];
  /** `volumes_from`: the services (not `container:` ones) whose mounts this one takes, each range on the name. */
  volumesFrom: ValueRef[];
  extends?: { service: ValueRef; file?: ValueRef };
  profiles: string[];
  secrets: ValueRef[];
}

export interface TopLevelEntry {
  name: string;
  keyRange: Range;
  external: boolean;
  node: Pair;
}

export interface ComposeModel {
  kind: 'compose';
  path: string;
  text: string;
  lines: LineIndex;
  view?: YamlView;
  problems: ParseProblem[];
  /**
   * True when part of the file could not be read: a YAML syntax error, an alias with no anchor or
   * inside its own anchor, or the file over a size or depth limit. What is missing could be what a
   * rule looks for, so only the parse rule checks such a file (see RuleMeta.checksPartialFiles).
   */
  partial: boolean;
  services: ComposeServiceDef[];
  servicesKey?: { keyRange: Range; node: YAMLMap };
  volumes: TopLevelEntry[];
  volumesKey?: { keyRange: Range; node: Node };
  networks: TopLevelEntry[];
  networksKey?: { keyRange: Range; node: Node };
  secrets: TopLevelEntry[];
  version?: { range: Range; lineRange: Range };
  includes: IncludeRef[];
  /** Every `${VAR}` the file interpolates, with its range. */
  interpolations: ValueRef[];
}

/**
 * Parses a compose file with the `yaml` Document API, keeping every position. With `previous`
 * (the last model of the same file), an edit inside one service re-parses that service only
 * (see {@link reparseOneService}); the model is the same as a full parse gives.
 */
export function parseCompose(path: string, text: string, previous?: ComposeModel): ComposeModel {
  const lines = new LineIndex(text);
  const model: ComposeModel = {
    kind: 'compose',
    path,
    text,
    lines,
    problems: [],
    partial: false,
    services: [],
    volumes: [],
    networks: [],
    secrets: [],
    includes: [],
    interpolations: [],
  };
  if (text.length > MAX_YAML_LENGTH) {
    model.problems.push({
      message: `The file is ${formatLength(text.length)}; docker-modularity parses YAML files up to ${formatLength(MAX_YAML_LENGTH)}.`,
      range: lines.rangeOf(0, Math.min(text.length, lines.lineEnd(0))),
    });
    model.partial = true;
    return model;
  }
  const depth = estimateYamlDepth(text);
  if (depth > MAX_YAML_DEPTH) {
    model.problems.push({
      // The depth is estimated from indentation and brackets before parsing: said as a bound, not a count.
      message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep; docker-modularity analyses at most ${MAX_YAML_DEPTH} levels.`,
      range: lines.rangeOf(0, Math.min(text.length, lines.lineEnd(0))),
    });
    model.partial = true;
    return model;
  }
  const last = previous?.view && { text: previous.text, lines: previous.lines, doc: previous.view.doc, clean: previous.problems.length === 0 };
  const doc = (last && reparseOneService(last, text)) || parseDocument(text, COMPOSE_YAML_OPTIONS);
  for (const e of doc.errors) {
    const range = lines.rangeOf(e.pos[0], Math.max(e.pos[1], e.pos[0]));
    // yaml's own words for a second document name its API ("please use parseAllDocuments()").
    if (e.code === 'MULTIPLE_DOCS') {
      // On the `---` line, not the whole second document.
      const start = lines.positionAt(e.pos[0]);
      model.problems.push({ message: '', range: lines.rangeOf(e.pos[0], Math.min(Math.max(e.pos[1], e.pos[0]), lines.lineEnd(start.line))), multipleDocuments: true });
    } else {
      model.problems.push({ message: e.message.split('\n')[0]!, range });
    }
  }
  const view = new YamlView(doc, lines);
  model.view = view;
  model.partial = doc.errors.length > 0;
  const root = doc.contents;
  // Duplicate keys are reported under a map at the top only: anything else is not a compose file.
  compactAndFindDuplicateKeys(root, view, isMap(root) ? model.problems : undefined, 0);
  if (!isMap(root)) {
    return model;
  }
  for (const alias of view.aliases.unresolved) {
    model.problems.push({ message: `Unresolved alias *${alias.source}: no anchor &${alias.source} comes before it`, range: view.range(alias) });
  }
  for (const alias of view.aliases.circular) {
    model.problems.push({ message: `Alias *${alias.source} is inside the value its anchor names, which makes it endless`, range: view.range(alias) });
  }
  model.partial ||= view.aliases.unresolved.length > 0 || view.aliases.circular.length > 0;
  const firstAlias = view.aliases.targets.keys().next().value;
  if (firstAlias && expandedSize(view, MAX_EXPANDED_VALUES) > MAX_EXPANDED_VALUES) {
    model.problems.push({
      message: `Aliases expand this file to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')} values (an alias bomb); it is read without expanding them`,
      range: view.range(firstAlias),
    });
  }
  for (const { pair } of view.pairs(root)) {
    const key = scalarString(pair.key);
    const keyRange = view.keyRange(pair);
    const value = view.resolve(pair.value)?.node;
    switch (key) {
      case 'version': {
        const r = (pair.key as Node).range!;
        const end = (pair.value as Node | null)?.range?.[1] ?? r[1];
        model.version = { range: keyRange, lineRange: lines.rangeOf(r[0], end) };
        break;
      }
      case 'services':
        if (isMap(value)) {
          model.servicesKey = { keyRange, node: value };
          for (const sp of view.pairs(value)) {
            const name = scalarString(sp.pair.key);
            const def = view.resolve(sp.pair.value)?.node;
            if (name !== undefined && isMap(def)) {
              model.services.push(readService(name, view.keyRange(sp.pair), def, view, path));
            }
          }
        }
        break;
      case 'volumes':
      case 'networks':
      case 'secrets':
        if (isMap(value)) {
          const entries = readTopLevel(value, view);
          model[key] = entries;
          if (key !== 'secrets') {
            model[`${key}Key`] = { keyRange, node: value };
          }
        } else if (key !== 'secrets') {
          model[`${key}Key`] = { keyRange, node: pair.value as Node };
        }
        break;
      case 'include':
        if (isSeq(value)) {
          for (const item of value.items) {
            const r = view.resolve(item);
            if (!r) {
              continue;
            }
            if (isScalar(r.node)) {
              model.includes.push(valueRef(r.node, view, r.viaAlias));
            } else if (isMap(r.node)) {
              const p = view.get(r.node, 'path')?.value;
              const env = view.get(r.node, 'env_file')?.value?.node;
              const envFiles = (isSeq(env) ? env.items : env ? [env] : []).map((e) => scalarString(e)).filter((e) => e !== undefined);
              const dir = scalarString(view.get(r.node, 'project_directory')?.value?.node);
              const options = { ...(env ? { envFiles } : {}), ...(dir !== undefined ? { projectDirectory: dir } : {}) };
              if (p && isScalar(p.node)) {
                model.includes.push({ ...valueRef(p.node, view, p.viaAlias), ...options });
              } else if (p && isSeq(p.node)) {
                let first = true;
                for (const x of p.node.items) {
                  if (isScalar(x)) {
                    const later = first ? {} : { overridesPrevious: true as const };
                    model.includes.push({ ...valueRef(x, view, false), ...options, ...later });
                    first = false;
                  }
                }
              }
            }
          }
        }
        break;
      default:
        break;
    }
  }
  collectInterpolations(text, lines, model.interpolations);
  return model;
}

function valueRef(node: Node, view: YamlView, viaAlias: boolean): ValueRef {
  return { value: scalarString(node) ?? '', range: view.range(node), viaAlias };
}

function readTopLevel(map: YAMLMap, view: YamlView): TopLevelEntry[] {
  const out: TopLevelEntry[] = [];
  for (const { pair } of view.pairs(map)) {
    const name = scalarString(pair.key);
    if (name === undefined) {
      continue;
    }
    const v = view.resolve(pair.value)?.node;
    let external = false;
    if (isMap(v)) {
      const ext = view.get(v, 'external')?.value?.node;
      external = ext !== undefined && scalarString(ext) !== 'false';
    }
    out.push({ name, keyRange: view.keyRange(pair), external, node: pair });
  }
  return out;
}

function readService(name: string, keyRange: Range, map: YAMLMap, view: YamlView, path: string): ComposeServiceDef {
  const def: ComposeServiceDef = {
    name,
    keyRange,
    node: map,
    path,
    volumes: [],
    envFiles: [],
    environment: [],
    networks: [],
    dependsOn: [],
    links: [],
    volumesFrom: [],
    profiles: [],
    secrets: [],
  };
  for (const { pair, viaAlias: pairVia } of view.pairs(map)) {
    const key = scalarString(pair.key);
    const resolved = view.resolve(pair.value);
    const via = pairVia || (resolved?.viaAlias ?? false);
    const kr = view.keyRange(pair);
    const merge = mergeTag(pair.value as Node | null, resolved?.node);
    // A `!reset` value is not read: compose-go drops it with what came before.
    const value = merge === 'reset' ? undefined : resolved?.node;
    const keyOf = (): ServiceKey => ({ keyRange: kr, node: resolved?.node as Node, ...(merge ? { merge } : {}) });
    switch (key) {
      case 'build':
        def.build = readBuild(value, view, kr);
        break;
      case 'image':
        if (isScalar(value)) {
          def.image = valueRef(value, view, via);
        }
        break;
      case 'volumes':
        def.volumesKey = keyOf();
        if (isSeq(value)) {
          for (const item of value.items) {
            const r = view.resolve(item);
            const mount = r && readVolume(r.node, view, via || r.viaAlias);
            if (mount) {
              def.volumes.push(mount);
            }
          }
        }
        break;
      case 'env_file':
        def.envFileKey = keyOf();
        if (isScalar(value)) {
          def.envFiles.push({ path: scalarString(value) ?? '', required: true, range: view.range(value), viaAlias: via });
        } else if (isSeq(value)) {
          for (const item of value.items) {
            const r = view.resolve(item);
            if (r && isScalar(r.node)) {
              def.envFiles.push({ path: scalarString(r.node) ?? '', required: true, range: view.range(r.node), viaAlias: via || r.viaAlias });
            } else if (r && isMap(r.node)) {
              const p = view.get(r.node, 'path')?.value?.node;
              const req = view.get(r.node, 'required')?.value?.node;
              if (p && isScalar(p)) {
                def.envFiles.push({
                  path: scalarString(p) ?? '',
                  required: scalarString(req) !== 'false',
                  range: view.range(p),
                  viaAlias: via || r.viaAlias,
                });
              }
            }
          }
        }
        break;
      case 'environment':
        def.environmentKey = keyOf();
        readEnvironment(value, view, via, def.environment);
        break;
      case 'networks':
        def.networksKey = keyOf();
        def.networks = namesOf(value, view, via);
        break;
      case 'network_mode':
        if (isScalar(value)) {
          def.networkMode = valueRef(value, view, via);
        }
        break;
      case 'depends_on':
        def.dependsOn = namesOf(value, view, via);
        break;
      case 'links':
        def.links = namesOf(value, view, via).map((l) => ({ ...l, value: l.value.split(':')[0]! }));
        break;
      case 'volumes_from':
        def.volumesFrom = namesOf(value, view, via).flatMap((ref) => volumesFromService(ref, view));
        break;
      case 'secrets':
        def.secrets = namesOf(value, view, via);
        break;
      case 'profiles':
        def.profiles = namesOf(value, view, via).map((p) => p.value);
        break;
      case 'extends':
        if (isScalar(value)) {
          def.extends = { service: valueRef(value, view, via) };
        } else if (isMap(value)) {
          const s = view.get(value, 'service')?.value?.node;
          const f = view.get(value, 'file')?.value?.node;
          if (s && isScalar(s)) {
            def.extends = { service: valueRef(s, view, via), file: f && isScalar(f) ? valueRef(f, view, via) : undefined };
          }
        }
        break;
      default:
        break;
    }
  }
  return compactArrays(def);
}

/** How compose-go merges a value tagged `!reset` or `!override` (on the value, or on what its alias names). */
function mergeTag(written: Node | null, resolved: Node | undefined): ServiceKey['merge'] {
  for (const n of [written, resolved]) {
    if (n?.tag === '!reset') {
      return 'reset';
    }
    if (n?.tag === '!override') {
      return 'override';
    }
  }
  return undefined;
}

/** Names from a list (`- a`) or the keys of a map (`a: {…}`), or the `source` of long-syntax items. */
/**
 * The service a `volumes_from` entry names (`web`, `service:web`, `web:ro`), its range on the name
 * where the text shows it as written; none for `container:…` entries.
 */
function volumesFromService(ref: ValueRef, view: YamlView): ValueRef[] {
  const parts = ref.value.split(':');
  const prefix = parts[0] === 'service' && parts.length > 1 ? 'service:' : '';
  const name = prefix ? parts[1]! : parts[0]!;
  if (parts[0] === 'container' || name === '') {
    return [];
  }
  const start = view.lines.offsetAt(ref.range.start);
  const at = start + (/["']/.test(view.lines.text[start] ?? '') ? 1 : 0) + prefix.length;
  const exact = view.lines.text.slice(at, at + name.length) === name;
  return [{ ...ref, value: name, range: exact ? view.lines.rangeOf(at, at + name.length) : ref.range }];
}

function namesOf(value: Node | undefined, view: YamlView, via: boolean): ValueRef[] {
  const out: ValueRef[] = [];
  if (isSeq(value)) {
    for (const item of value.items) {
      const r = view.resolve(item);
      if (r && isScalar(r.node)) {
        out.push(valueRef(r.node, view, via || r.viaAlias));
      } else if (r && isMap(r.node)) {
        const src = view.get(r.node, 'source')?.value?.node;
        if (src && isScalar(src)) {
          out.push(valueRef(src, view, via || r.viaAlias));
        }
      }
    }
  } else if (isMap(value)) {
    for (const { pair, viaAlias } of view.pairs(value)) {
      if (isScalar(pair.key)) {
        out.push(valueRef(pair.key, view, via || viaAlias));
      }
    }
  }
  return out;
}

function readBuild(value: Node | undefined, view: YamlView, keyRange: Range): BuildSpec | undefined {
  if (isScalar(value)) {
    return { context: scalarString(value) ?? '.', contextRange: view.range(value), range: view.range(value), keyRange };
  }
  if (!isMap(value)) {
    return undefined;
  }
  const spec: BuildSpec = { context: '.', range: view.range(value), keyRange };
  const ctx = view.get(value, 'context')?.value?.node;
  if (ctx && isScalar(ctx)) {
    spec.context = scalarString(ctx) ?? '.';
    spec.contextRange = view.range(ctx);
  }
  const df = view.get(value, 'dockerfile')?.value?.node;
  if (df && isScalar(df)) {
    spec.dockerfile = scalarString(df);
    spec.dockerfileRange = view.range(df);
  }
  const target = view.get(value, 'target')?.value?.node;
  if (target && isScalar(target)) {
    spec.target = scalarString(target);
    spec.targetRange = view.range(target);
  }
  const args = view.get(value, 'args')?.value?.node;
  if (args) {
    const entries: EnvironmentEntry[] = [];
    readEnvironment(args, view, false, entries);
    spec.args = entries.map((e) => ({ key: e.key, value: e.value }));
  }
  const inline = view.get(value, 'dockerfile_inline')?.value?.node;
  if (inline && isScalar(inline) && inline.range) {
    const src = inline.source ?? String(inline.value);
    spec.inline = inlineDockerfile(view, inline.range, String(inline.value ?? src));
  }
  return spec;
}

/**
 * Where the text of a `dockerfile_inline` block scalar starts, and its indentation, so the inline
 * Dockerfile can be analysed on its own and its positions mapped back into the compose file.
 */
function inlineDockerfile(view: YamlView, r: [number, number, number], value: string): BuildSpec['inline'] {
  const text = view.lines.text;
  // A block scalar starts with `|` or `>` on the key's line; its content begins on the next line.
  let start = r[0];
  let blockIndent = 0;
  if (text[start] === '|' || text[start] === '>') {
    const nl = text.indexOf('\n', start);
    start = nl < 0 ? r[1] : nl + 1;
    let k = start;
    while (text[k] === ' ') {
      k++;
    }
    blockIndent = k - start;
  } else if (text[start] === '"' || text[start] === "'") {
    start++;
  }
  return { text: value, offset: start, range: view.lines.rangeOf(r[0], r[1]), blockIndent };
}

/**
 * Whether a short-syntax mount source is a host path (a bind mount), as compose reads it: `./src`,
 * `/srv/data`, `~/x`, `C:\\data`; else it names a volume.
 */
export function isHostPathSource(source: string): boolean {
  return /^[./~]|^[A-Za-z]:[\\/]/.test(source);
}

function readVolume(node: Node, view: YamlView, viaAlias: boolean): VolumeMount | undefined {
  const range = view.range(node);
  if (isScalar(node)) {
    const s = scalarString(node) ?? '';
    const parts = splitVolumeSpec(s);
    const src = (node.range?.[0] ?? 0) + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
    if (parts.length === 1) {
      return { type: 'volume', target: parts[0]!, readOnly: false, range, targetRange: view.lines.rangeOf(src, src + parts[0]!.length), viaAlias, node };
    }
    const source = parts[0]!;
    const target = parts[1]!;
    const mode = parts[2] ?? '';
    // A source with variables may be either: read as a bind mount until its value is known.
    const isBind = isHostPathSource(source) || source.startsWith('$');
    const targetStart = src + source.length + 1;
    return {
      type: isBind ? 'bind' : 'volume',
      source,
      target,
      readOnly: mode.split(',').includes('ro'),
      range,
      sourceRange: view.lines.rangeOf(src, src + source.length),
      targetRange: view.lines.rangeOf(targetStart, targetStart + target.length),
      viaAlias,
      node,
    };
  }
  if (isMap(node)) {
    const get = (k: string): Node | undefined => view.get(node, k)?.value?.node;
    const type = scalarString(get('type')) ?? 'volume';
    const sourceNode = get('source');
    const targetNode = get('target');
    const source = scalarString(sourceNode);
    return {
      type: type === 'volume' || type === 'bind' || type === 'tmpfs' ? type : 'other',
      source: source || undefined,
      target: scalarString(targetNode) ?? '',
      readOnly: scalarString(get('read_only')) === 'true',
      range,
      sourceRange: sourceNode ? view.range(sourceNode) : undefined,
      targetRange: targetNode ? view.range(targetNode) : undefined,
      viaAlias,
      node,
    };
  }
  return undefined;
}

/** Splits `source:target:mode`, minding Windows drive letters. */
function splitVolumeSpec(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  // Inside `${…}` a colon belongs to the variable (`${PG_VOLUME:-pg_data}:/var/lib/postgresql/data`).
  let braces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '$' && s[i + 1] === '{') {
      braces++;
    } else if (c === '}' && braces > 0) {
      braces--;
    }
    if (c === ':' && braces === 0 && !(cur.length === 1 && /[A-Za-z]/.test(cur) && (s[i + 1] === '\\' || s[i + 1] === '/') && parts.length === 0)) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

function readEnvironment(value: Node | undefined, view: YamlView, via: boolean, out: EnvironmentEntry[]): void {
  if (isSeq(value)) {
    for (const item of value.items) {
      const r = view.resolve(item);
      if (!r || !isScalar(r.node) || !r.node.range) {
        continue;
      }
      const s = scalarString(r.node) ?? '';
      const q = r.node.type === 'QUOTE_DOUBLE' || r.node.type === 'QUOTE_SINGLE' ? 1 : 0;
      const start = r.node.range[0] + q;
      const eq = s.indexOf('=');
      const key = eq < 0 ? s : s.slice(0, eq);
      out.push({
        key,
        value: eq < 0 ? undefined : s.slice(eq + 1),
        keyRange: view.lines.rangeOf(start, start + key.length),
        valueRange: eq < 0 ? undefined : view.lines.rangeOf(start + eq + 1, start + s.length),
        range: view.range(r.node),
        viaAlias: via || r.viaAlias,
        offsets: [r.node.range[0], r.node.range[1]],
        style: 'list',
      });
    }
  } else if (isMap(value)) {
    for (const { pair, viaAlias } of view.pairs(value)) {
      const key = scalarString(pair.key);
      const kn = pair.key as Node;
      if (key === undefined || !kn.range) {
        continue;
      }
      const vr = view.resolve(pair.value);
      const v = vr && isScalar(vr.node) ? scalarString(vr.node) : undefined;
      const vn = vr?.node;
      const end = vn?.range?.[1] ?? kn.range[1];
      out.push({
        key,
        value: v === '' && (vn === undefined || (isScalar(vn) && vn.value === null)) ? undefined : v,
        keyRange: view.range(kn),
        valueRange: vn ? view.range(vn) : undefined,
        range: view.lines.rangeOf(kn.range[0], end),
        viaAlias: via || viaAlias || (vr?.viaAlias ?? false),
        offsets: [kn.range[0], end],
        style: 'map',
      });
    }
  }
}

function collectInterpolations(text: string, lines: LineIndex, out: ValueRef[]): void {
  const re = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const name = m[1] ?? m[2];
    if (!name) {
      continue;
    }
    // ignore commented-out lines
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#/.test(text.slice(lineStart, m.index))) {
      continue;
    }
    out.push({ value: name, range: lines.rangeOf(m.index, m.index + m[0].length), viaAlias: false });
  }
}

/**
 * One walk over the tree, for two things:
 * - every map and sequence gets an exact-size `items` array (see compactArrays): the tree lives as
 *   long as the model, and yaml grows `items` by `push`;
 * - with `problems`, duplicate keys are reported, in linear time. The `yaml` package's own check is
 *   quadratic (a flat 40,000-key map takes tens of seconds), so it is switched off and this one is
 *   used. Keys nested deeper than MAX_YAML_DEPTH are not compared.
 */
function compactAndFindDuplicateKeys(node: unknown, view: YamlView, problems: ParseProblem[] | undefined, depth: number): void {
  if (!isMap(node) && !isSeq(node)) {
    return;
  }
  if (node.items.length > 0) {
    node.items = node.items.slice() as typeof node.items;
  }
  const report = depth > MAX_YAML_DEPTH ? undefined : problems;
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const k = report ? scalarString(pair.key) : undefined;
      if (report && k !== undefined && k !== '<<') {
        if (seen.has(k)) {
          report.push({ message: `Map keys must be unique; "${k}" is repeated.`, range: view.range(pair.key as Node) });
        }
        seen.add(k);
      }
      if (isReusedPair(pair)) {
        continue;
      }
      compactAndFindDuplicateKeys(pair.key, view, undefined, depth + 1);
      compactAndFindDuplicateKeys(pair.value, view, report, depth + 1);
    }
  } else {
    for (const item of node.items) {
      compactAndFindDuplicateKeys(item, view, report, depth + 1);
    }
  }
}
