/**
 * The parts of the config schemas that come from the engine, so that they cannot drift from it: the
 * rule ids a `rules` object may name, each with its levels and what the rule finds, and the pattern of
 * a path setting (what `normalizeConfigPath` (config.ts) takes). Editors read them
 * from schemas/docker-modularity.schema.json (the config file) and from package.json's
 * `contributes.configuration` (the `dockerModularity.*` settings); `npm run gen:schemas`
 * (scripts/gen-config-schemas.mjs) writes them there, and test/engine/configSchema.test.ts checks
 * that the files hold what {@link withEngineParts} gives.
 */
import { LEVELS } from './config';
import type { RuleDefinition } from './rule';

type Json = Record<string, unknown>;

/** Per rule id: a level (`level`: its schema), with what the rule finds and its default level (completion shows it). */
function ruleProperties(rules: readonly RuleDefinition[], level: Json): Record<string, Json> {
  return Object.fromEntries(
    rules.map((r) => [r.id, { ...level, description: `${r.meta.description} (default: ${r.meta.defaultSeverity})` }]),
  );
}

/** One or more path separators, as the engine reads a path (either slash). */
const SEPARATORS = String.raw`[\\/]+`;

/**
 * The source of a regular expression that matches the paths `normalizeConfigPath` (config.ts) refuses: rooted
 * (`/x`, `\x`, `C:\x`, `~/x`), the workspace root itself (`.`, `./`), or leading out of it (`..`,
 * `./../x`). `trimmed`: the value is trimmed before it is read (a setting), so blanks around it do not count.
 */
function refusedPath(trimmed: boolean): string {
  const blanks = trimmed ? String.raw`\s*` : '';
  /** The end of a segment: separators, or the end of the value. */
  const end = `(?:${SEPARATORS}|${blanks}$)`;
  const dot = String.raw`\.${end}`;
  const up = String.raw`\.\.${end}`;
  // Segments that leave the path where it was (`.`), then one that leaves the root, or the end.
  const atRoot = `(?:${dot})*`;
  return String.raw`${blanks}(?:[\\/~]|[A-Za-z]:[\\/]|${atRoot}(?:${up}|${blanks}$))`;
}

/**
 * The pattern of a workspace path, as JSON Schema takes one (a match anywhere counts). A setting
 * (`trimmed`) may also be empty or blank: the setting is then unset.
 */
export function workspacePathPattern(trimmed: boolean): string {
  const inside = `(?!${refusedPath(trimmed)})`;
  return trimmed ? String.raw`^(?:\s*$|${inside})` : `^${inside}`;
}

/** A schema node with `parts` put in place of its own (after its other keys, in a stable order). */
function rebuilt(node: Json, parts: Json): Json {
  const rest = Object.fromEntries(Object.entries(node).filter(([k]) => !(k in parts)));
  return { ...rest, ...parts };
}

/**
 * The config file's schema and the extension's manifest with the engine's parts written in (copies;
 * the rest is as given). The config file's `rules` keeps `additionalProperties` (a level): an id no
 * rule has is refused by `propertyNames` in editors, and by the engine with its own message.
 */
export function withEngineParts<S extends Json, P extends Json>(
  schema: S,
  manifest: P,
  rules: readonly RuleDefinition[],
): { schema: S; manifest: P } {
  const s = structuredClone(schema) as unknown as { properties: Record<string, Json>; definitions: Record<string, Json> };
  s.definitions.level = { enum: [...LEVELS] };
  s.definitions.workspacePath!.pattern = workspacePathPattern(false);
  const level = { $ref: '#/definitions/level' };
  s.properties.rules = rebuilt(s.properties.rules!, {
    propertyNames: { enum: rules.map((r) => r.id) },
    properties: ruleProperties(rules, level),
    additionalProperties: level,
  });
  const m = structuredClone(manifest) as unknown as { contributes: { configuration: { properties: Record<string, Json> } } };
  const settings = m.contributes.configuration.properties;
  // The settings editor offers the listed ids in a drop-down, with the levels for each (it needs their type there).
  settings['dockerModularity.rules'] = rebuilt(settings['dockerModularity.rules']!, {
    properties: ruleProperties(rules, { type: 'string', enum: [...LEVELS] }),
    additionalProperties: false,
  });
  // The setting is trimmed and may be empty (unset), but is otherwise the path the config file takes.
  settings['dockerModularity.sharedEnvFile'] = rebuilt(settings['dockerModularity.sharedEnvFile']!, {
    pattern: workspacePathPattern(true),
    patternErrorMessage: s.definitions.workspacePath!.patternErrorMessage,
  });
  return { schema: s as unknown as S, manifest: m as unknown as P };
}
