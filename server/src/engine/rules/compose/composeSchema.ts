import type { ErrorObject } from 'ajv';
import { isMap, isNode, isScalar, isSeq, visit, type Node, type Pair } from 'yaml';
import { defineRule } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import { scalarString, type YamlView } from '../../parse/yamlUtil';
import type { Range } from '../../text';
// The Compose Specification's schema as a maintained package (dclint) ships it, precompiled into a
// standalone validator by scripts/gen-compose-validator.mjs: no process pays the compile time.
import type ComposeSpecValidator from '../../generated/composeSchemaValidator';

let validateComposeSpec: typeof ComposeSpecValidator | undefined;

/** Loaded on first use: the validator module is large, and a process may never read a compose file. */
function composeSpecValidator(): typeof ComposeSpecValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  validateComposeSpec ??= (require('../../generated/composeSchemaValidator') as { default: typeof ComposeSpecValidator }).default;
  return validateComposeSpec;
}
import { nearestName } from './composeHelpers';

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
      const p = view.pairs(here).find((x) => scalarString(x.pair.key) === seg);
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
      const view = file.view;
      if (!view || file.problems.length > 0 || view.doc.errors.length > 0 || !isMap(view.doc.contents)) {
        // A file that does not parse is reported by the parse rule, not here.
        return;
      }
      let data: unknown;
      try {
        data = withoutResets(view, file.text).toJS({ maxAliasCount: 1000 });
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
          fixer.setTitle(`Rename ${name} to ${suggestion}`, true).replace(file.path, range, `${q}${suggestion}${q}`);
        }
      : undefined,
  });
}

/**
 * The document with every `key: !reset …` pair taken out: compose's `!reset` tag removes the
 * value it merges over (`ports: !reset []`, `build: !reset null`), so it is not validated as one.
 */
function withoutResets(view: YamlView, text: string): { toJS(options: { maxAliasCount: number }): unknown } {
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
