import type { ErrorObject } from 'ajv';
import { isCollection, isMap, isNode, isScalar, isSeq, visit, type Document, type Node, type Pair } from 'yaml';
import { defineRule } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import { dirname, isAbsolutePath, joinPath } from '../../paths';
import type { ComposeProject } from '../../project';
import { scalarString, type YamlView } from '../../parse/yamlUtil';
import { NOT_PLAIN, plainData } from '../../parse/yamlData';
import type { Range } from '../../text';
// The Compose Specification's schema as a maintained package (dclint) ships it, precompiled into a
// standalone validator by scripts/gen-compose-validator.mjs: no process pays the compile time.
import { loadedOnFirstUse, type StandaloneValidator } from '../../validators';

/** Loaded on first use: the validator module is large, and a process may never read a compose file. */
const composeSpecValidator = loadedOnFirstUse(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => require('../../generated/composeSchemaValidator') as { default: StandaloneValidator },
);
import { projectsOf } from './composeHelpers';
import { nearestName } from '../../names';

/** Validates a compose document's data against the Compose Specification. */
function validateCompose(data: unknown): ErrorObject[] {
  const validate = composeSpecValidator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}

interface Located {
  /** The path of the key or item the error is about. */
  path: string[];
  errors: ErrorObject[];
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The key or item an error is about: an unknown key is a child of the error's instance. */
function pathOf(e: ErrorObject): string[] {
  const path = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map(unescape);
  if (e.keyword === 'additionalProperties') {
    path.push(String((e.params as { additionalProperty: string }).additionalProperty));
  }
  return path;
}

/**
 * Keeps the errors that say what is wrong. A value that matches none of a `oneOf`'s branches gets
 * an error per branch; the deepest ones are the useful ones (an unknown key inside the object
 * branch, rather than "must be string" from the string branch).
 */
function relevantErrors(errors: ErrorObject[]): Located[] {
  const withPath = errors
    .filter((e) => !['oneOf', 'anyOf', 'if', 'not', 'then', 'else'].includes(e.keyword))
    .map((e) => ({ e, path: pathOf(e) }));
  const kept = withPath.filter(
    (x) => !withPath.some((y) => y.path.length > x.path.length && x.path.every((seg, i) => y.path[i] === seg)),
  );
  const byPath = new Map<string, Located>();
  for (const { e, path } of kept) {
    const key = JSON.stringify(path);
    const entry = byPath.get(key) ?? { path, errors: [] };
    entry.errors.push(e);
    byPath.set(key, entry);
  }
  return [...byPath.values()];
}

/** The YAML key (or sequence item) at a path, following aliases and `<<` merge keys. */
function locate(view: YamlView, path: string[]): { node: Node; pair?: Pair; container?: Node } | undefined {
  let current: Node | undefined = view.doc.contents ?? undefined;
  let found: { node: Node; pair?: Pair; container?: Node } | undefined;
  for (const seg of path) {
    const here = current && view.resolve(current)?.node;
    if (isMap(here)) {
      const pairs = view.pairs(here);
      // A key that is itself a map or a list (`? { version: "3.9" }`) reaches the schema as its text.
      const p =
        pairs.find((x) => scalarString(x.pair.key) === seg) ??
        pairs.find((x) => isCollection(x.pair.key) && String(x.pair.key).replace(/\s+/g, ' ').trim() === seg) ??
        pairs.find((x) => isCollection(x.pair.key));
      if (!p) {
        return found;
      }
      found = { node: p.pair.key as Node, pair: p.pair, container: here };
      current = (p.pair.value as Node | null) ?? undefined;
    } else if (isSeq(here)) {
      const item = here.items[Number(seg)] as Node | undefined;
      if (!item) {
        return found;
      }
      found = { node: item, container: here };
      current = item;
    } else {
      return found;
    }
  }
  return found;
}

function describe(path: string[]): string {
  return path.length === 0
    ? 'the file'
    : path.map((p, i) => (/^\d+$/.test(p) && i > 0 ? `[${p}]` : (i > 0 ? '.' : '') + p)).join('');
}

/** One sentence for the errors at one place. */
function explain(errors: ErrorObject[]): string {
  const types = [
    ...new Set(errors.filter((e) => e.keyword === 'type').flatMap((e) => String((e.params as { type: string }).type).split(','))),
  ];
  const first = errors.find((e) => e.keyword !== 'type') ?? errors[0]!;
  if (first.keyword === 'enum') {
    return `must be one of ${(first.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (first.keyword === 'required') {
    return `must have the key ${(first.params as { missingProperty: string }).missingProperty}`;
  }
  if (first.keyword === 'type' || (types.length > 0 && errors.every((e) => e.keyword === 'type'))) {
    return `must be ${types.map((t) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`)).join(' or ')}`;
  }
  return first.message ?? 'is invalid';
}

export const composeSchema = defineRule({
  id: 'compose-schema',
  meta: {
    section: 'compose',
    description: 'Compose files follow the Compose Specification (its JSON Schema).',
    defaultSeverity: 'error',
    fixable: true,
  },
  messages: {
    unknownKey: 'Unexpected key "{{key}}" in {{parent}}: the Compose Specification does not define it.',
    unknownKeyDidYouMean:
      'Unexpected key "{{key}}" in {{parent}}: the Compose Specification does not define it (did you mean "{{suggestion}}"?).',
    invalid: 'Expected {{place}} to follow the Compose Specification: it {{reason}}.',
    importConflict:
      'Unexpected service "{{name}}": {{other}} defines a service of that name too, and {{root}} includes both files; docker compose refuses the project (services.{{name}} conflicts with imported resource). Rename one of them.',
    resourceConflict:
      'Unexpected {{kind}} "{{name}}": {{other}} declares a {{kind}} of that name too, differently, and {{root}} includes both files; docker compose refuses the project ({{key}}.{{name}} conflicts with imported resource). Rename one of them, or declare it alike in both.',
  },
  check: {
    compose(file, context) {
      // Two stacks a root file includes that define the same service: reported at the one imported last.
      const conflicts = new Map<string, { name: string; other: string; root: string; range: Range }>();
      for (const p of context.project.composeProjectsOf(file)) {
        for (const { def, other } of p.conflicts) {
          if (def.path === file.path) {
            const key = `${def.keyRange.start.line}:${def.keyRange.start.character}`;
            conflicts.set(
              key,
              conflicts.get(key) ?? { name: def.name, other: other.path, root: p.root.path, range: def.keyRange },
            );
          }
        }
      }
      for (const { name, other, root, range } of conflicts.values()) {
        context.report({ messageId: 'importConflict', data: { name, other, root }, range });
      }
      // The same for a top-level volume, network, secret or config two such files declare differently.
      const resources = new Map<string, ResourceConflict>();
      for (const p of context.project.composeProjectsOf(file)) {
        for (const c of resourceConflicts(p, file)) {
          const key = `${c.range.start.line}:${c.range.start.character}`;
          resources.set(key, resources.get(key) ?? c);
        }
      }
      for (const { key, name, other, root, range } of resources.values()) {
        context.report({ messageId: 'resourceConflict', data: { kind: RESOURCE_KINDS[key], key, name, other, root }, range });
      }
      const view = file.view;
      if (!view || file.problems.length > 0 || view.doc.errors.length > 0 || !isMap(view.doc.contents)) {
        // A file that does not parse is reported by the parse rule, not here.
        return;
      }
      let data: unknown;
      try {
        const doc = withoutResets(view, file.text);
        data = plainData(doc);
        if (data === NOT_PLAIN) {
          data = doc.toJS({ maxAliasCount: 1000 });
        }
      } catch {
        return;
      }
      const seen = new Set<string>();
      for (const { path, errors } of relevantErrors(validateCompose(data))) {
        const at = locate(view, path);
        const range: Range = at ? view.range(at.node) : file.lines.rangeOf(0, 0);
        const key = `${range.start.line}:${range.start.character}`;
        if (seen.has(key)) {
          // The same anchored value reached through several aliases.
          continue;
        }
        seen.add(key);
        const unknown = errors.find((e) => e.keyword === 'additionalProperties');
        if (unknown && at?.pair) {
          reportUnknownKey(file, context, path, unknown, at.pair, at.container, range);
          continue;
        }
        context.report({ messageId: 'invalid', data: { place: describe(path), reason: explain(errors) }, range });
      }
    },
  },
});

/** The top-level keys whose entries docker compose imports from an included file, and what one entry is. */
const RESOURCE_KINDS: Record<string, string> = { volumes: 'volume', networks: 'network', secrets: 'secret', configs: 'config' };

interface ResourceConflict {
  key: string;
  name: string;
  other: string;
  root: string;
  range: Range;
}

interface Declaration {
  app: string;
  path: string;
  value: unknown;
}

/**
 * The top-level volumes, networks, secrets and configs of `file` that a file of the project it does
 * not include (nor is included by) declares too, differently: docker compose's include imports each
 * included file's resources and refuses one already there unless the two are equal. The service
 * conflicts' model (see {@link ComposeProject.conflicts}): declarations of one application (`-f a -f b`,
 * the override file, `path: [a, b]`) merge, and an including file's declaration overrides the one of a
 * file it includes (docker compose 5; 2.x refuses it).
 */
function resourceConflicts(p: ComposeProject, file: ComposeModel): readonly ResourceConflict[] {
  let byFile = resourceConflictsCache.get(p);
  if (!byFile) {
    byFile = projectResourceConflicts(p);
    resourceConflictsCache.set(p, byFile);
  }
  return byFile.get(file.path) ?? [];
}

/** Each project's resource conflicts by file: computed once per project, not once per file checked. */
const resourceConflictsCache = new WeakMap<ComposeProject, Map<string, ResourceConflict[]>>();

function projectResourceConflicts(p: ComposeProject): Map<string, ResourceConflict[]> {
  const out = new Map<string, ResourceConflict[]>();
  if (!p.files.some((f) => f.includes.length > 0)) {
    // Nothing included: the override file and overlays merge.
    return out;
  }
  const appOf = (path: string): string => p.applications.get(path) ?? p.root.path;
  const seen = new Map<string, Declaration[]>();
  // The project's files come in the order docker compose reads them: an included file before its includer.
  for (const f of p.files) {
    const top = f.view?.doc.contents;
    if (!f.view || f.partial || !isMap(top)) {
      continue;
    }
    const view = f.view;
    for (const { pair } of view.pairs(top)) {
      const key = scalarString(pair.key);
      const entries = key !== undefined && key in RESOURCE_KINDS ? view.resolve(pair.value)?.node : undefined;
      if (!isMap(entries)) {
        continue;
      }
      for (const entry of view.pairs(entries)) {
        const name = scalarString(entry.pair.key);
        if (name === undefined) {
          continue;
        }
        const app = appOf(f.path);
        const value = resourceValue(f, key!, entry.pair.value, name);
        const declared = seen.get(`${key}\n${name}`) ?? [];
        seen.set(`${key}\n${name}`, declared);
        const own = declared.find((d) => d.app === app || p.includes(app, d.app));
        if (own) {
          // Merged into (or, from an including file, over) the declaration it overrides.
          Object.assign(own, { app, path: f.path, value });
          continue;
        }
        const first = declared[0];
        if (first && !sameResource(first.value, value)) {
          const conflict = { key: key!, name, other: first.path, root: p.root.path, range: view.keyRange(entry.pair) };
          out.set(f.path, [...(out.get(f.path) ?? []), conflict]);
        } else if (first) {
          continue;
        }
        declared.push({ app, path: f.path, value });
      }
    }
  }
  return out;
}

/**
 * A declaration's value as docker compose compares it, after it normalises each file: an empty one
 * as `{}`, a secret's or config's `file` (or a bind volume's `device`) resolved from its file's
 * folder, the legacy `external: {name: x}` as `external: true` with `name: x`, `external: false` as
 * no `external`, an external resource without a name as named after its key, and `labels` given as
 * a list (`["tier=db"]`) as the map it stands for. Before, `external: {name: shared}` in one stack
 * and `external: true, name: shared` in another were reported as a conflict docker compose does not see.
 */
function resourceValue(f: ComposeModel, key: string, node: unknown, name: string): unknown {
  let value: unknown;
  try {
    value = isNode(node) ? node.toJS(f.view!.doc, { maxAliasCount: 1000 }) : node;
  } catch {
    return undefined;
  }
  if (value === null || value === undefined || value === '') {
    return {};
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const v = { ...(value as Record<string, unknown>) };
    const resolve = (p: unknown): unknown =>
      typeof p === 'string' && p !== '' && !isAbsolutePath(p) && !p.includes('$') ? joinPath(dirname(f.path), p) : p;
    if ((key === 'secrets' || key === 'configs') && 'file' in v) {
      v.file = resolve(v.file);
    }
    const opts = v.driver_opts as Record<string, unknown> | undefined;
    if (key === 'volumes' && opts && typeof opts === 'object' && typeof opts.device === 'string' && opts.device.startsWith('.')) {
      v.driver_opts = { ...opts, device: resolve(opts.device) };
    }
    const external = v.external;
    if (external && typeof external === 'object' && !Array.isArray(external)) {
      const legacyName = (external as Record<string, unknown>).name;
      v.name ??= legacyName;
      v.external = true;
    }
    if (v.external === false) {
      delete v.external;
    } else if (v.external === true) {
      v.name ??= name;
    }
    if (Array.isArray(v.labels)) {
      v.labels = Object.fromEntries(
        v.labels.map((l: unknown) => {
          const text = String(l);
          const eq = text.indexOf('=');
          return eq === -1 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
        }),
      );
    }
    // Labels and driver options are maps of strings to docker compose (`size: 100` is "100").
    for (const map of ['labels', 'driver_opts'] as const) {
      const m = v[map];
      if (m && typeof m === 'object' && !Array.isArray(m)) {
        v[map] = Object.fromEntries(Object.entries(m).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
      }
    }
    return v;
  }
  return value;
}

/**
 * Whether two declarations are equal to docker compose (key order aside). Two that differ where a
 * `${VAR}` is written may still interpolate alike: they are taken as alike (no finding) too.
 */
function sameResource(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) {
    return true;
  }
  const canonical = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([k1], [k2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : 0)))
        : x,
    );
  const [ca, cb] = [canonical(a), canonical(b)];
  return ca === cb || ca.includes('$') || cb.includes('$');
}

function reportUnknownKey(
  file: ComposeModel,
  context: Parameters<NonNullable<(typeof composeSchema)['check']['compose']>>[1],
  path: string[],
  error: ErrorObject,
  pair: Pair,
  container: Node | undefined,
  range: Range,
): void {
  const name = path[path.length - 1]!;
  const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  const view = file.view!;
  const existing = new Set(isMap(container) ? view.pairs(container).map((p) => scalarString(p.pair.key)) : []);
  const suggestion = nearestName(
    name,
    Object.keys(parentSchema?.properties ?? {}).filter((k) => !existing.has(k)),
  );
  const parent = path.length > 1 ? describe(path.slice(0, -1)) : 'the top level';
  const keyNode = pair.key as Node;
  // A key merged in from an anchor is renamed at the anchor: every service it reaches has it wrong.
  const renamable = suggestion !== undefined && isScalar(keyNode) && keyNode.range !== undefined;
  context.report({
    messageId: suggestion ? 'unknownKeyDidYouMean' : 'unknownKey',
    data: { key: name, parent, suggestion: suggestion ?? '' },
    range,
    fix: renamable
      ? (fixer) => {
          const source = file.text.slice(keyNode.range![0], keyNode.range![1]);
          const q = source[0] === '"' || source[0] === "'" ? source[0] : '';
          // Two misspellings of one key in a map (`volume:` and `volumez:`): one is renamed per pass.
          const scope = `key ${suggestion}@${file.path}:${container?.range?.[0] ?? path.join('.')}`;
          fixer.setTitle(`Rename ${name} to ${suggestion}`, true).replace(file.path, range, `${q}${suggestion}${q}`, scope);
          // The key then reads as meant: what other rules found in the service (no `env_file`, a
          // volume no service mounts) may go, so their fixes wait for the next pass. The merged
          // services of every project the file is part of read differently too.
          fixer.reshape(file.path);
          for (const composeProject of projectsOf(context.project, file)) {
            composeProject.files.forEach((f) => fixer.reshape(f.path));
          }
        }
      : undefined,
  });
}

/**
 * The document with every `key: !reset …` pair taken out: compose's `!reset` tag removes the
 * value it merges over (`ports: !reset []`, `build: !reset null`), so it is not validated as one.
 */
function withoutResets(view: YamlView, text: string): Document {
  if (!text.includes('!reset')) {
    // No tag to take out (and walking the document costs as much as converting it).
    return view.doc;
  }
  let found = false;
  visit(view.doc, {
    Pair: (_key, pair) => {
      if (isNode(pair.value) && pair.value.tag === '!reset') {
        found = true;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!found) {
    return view.doc;
  }
  const doc = view.doc.clone();
  visit(doc, {
    Pair: (_key, pair) => (isNode(pair.value) && pair.value.tag === '!reset' ? visit.REMOVE : undefined),
  });
  return doc;
}
