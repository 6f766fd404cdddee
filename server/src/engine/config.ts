import { parse as parseYaml, parseDocument, type YAMLParseError } from 'yaml';
import { loadedOnFirstUse, type StandaloneValidator } from './validators';
import { isAbsolutePath, normalizePath } from './paths';
import { MAX_YAML_DEPTH, yamlTooDeep } from './parse/yamlUtil';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type Level = Severity | 'off';

/** Every level a rule may be set to, from none to the most severe. */
export const LEVELS: readonly Level[] = ['off', 'hint', 'info', 'warning', 'error'];

/** The settings every rule reads. Defaults fill in whatever the config file leaves out. */
export interface Config {
  baseImage?: string;
  baseDockerfile?: string;
  sharedEnvFile: string;
  secretsFile: string;
  entrypointsDir: string;
  archiveDir: string;
  exemptImages: string[];
  exclude: string[];
  /**
   * Compose files besides those named `(docker-)compose*.yml` (`local.yml`, `production.yml`):
   * workspace paths or globs, matched against whole file paths, normalised as path settings are.
   */
  composeFiles: string[];
  roadmapFile?: string;
  rules: Record<string, Level>;
}

export const CONFIG_FILE_NAMES = ['.docker-modularity.json', '.docker-modularity.yaml', '.docker-modularity.yml'] as const;

export const DEFAULT_EXEMPT_IMAGES = ['nginx', 'postgres', 'redis', 'traefik', 'caddy', 'httpd'];

export function defaultConfig(): Config {
  return {
    sharedEnvFile: '.env.docker',
    secretsFile: 'secrets.env',
    entrypointsDir: 'scripts/entrypoints',
    archiveDir: 'archived',
    exemptImages: [...DEFAULT_EXEMPT_IMAGES],
    exclude: [],
    composeFiles: [],
    rules: {},
  };
}

/** A place in a config file, 1-based (columns in UTF-16 code units). */
export interface ConfigPosition {
  line: number;
  column: number;
}

/**
 * A config file that could not be used: the file, the key and the reason; for a file that does not
 * parse, where the parser stopped (the key is then empty).
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly reason: string,
    readonly position?: ConfigPosition,
  ) {
    super(`${file}: ${key ? `"${key}" ` : ''}${reason}`);
    this.name = 'ConfigError';
  }
}

/** The settings that name a file or folder of the workspace, relative to its root. */
export const PATH_KEYS = ['baseDockerfile', 'sharedEnvFile', 'secretsFile', 'entrypointsDir', 'archiveDir', 'roadmapFile'] as const;

/**
 * A path setting as the engine compares paths: relative to the workspace root, forward slashes,
 * no `./`, no trailing `/` (`./docs\\ROADMAP.md` → `docs/ROADMAP.md`). Undefined when it does not
 * name a path inside the workspace: absolute, leading out of it, or the root itself.
 */
/** Whether a path setting is rooted: absolute on any system, or starting with a slash. */
const isRooted = (value: string): boolean => isAbsolutePath(value) || /^[\\/]/.test(value);

/** Whether a config key is one of the {@link PATH_KEYS}. */
const isPathKey = (k: string): k is (typeof PATH_KEYS)[number] => (PATH_KEYS as readonly string[]).includes(k);

export function normalizeConfigPath(value: string): string | undefined {
  if (isRooted(value)) {
    return undefined;
  }
  const p = normalizePath(value);
  return p === '' || p === '..' || p.startsWith('../') ? undefined : p;
}

/** Why a path setting that {@link normalizeConfigPath} refuses names no path inside the workspace. */
function whyNotInside(value: string): string {
  if (isRooted(value)) {
    return 'is an absolute path';
  }
  return normalizePath(value) === '' ? 'is the workspace root itself' : 'leads out of the workspace';
}

/**
 * Normalises the path settings of a config (see {@link normalizeConfigPath}), and the paths and globs
 * of `composeFiles`. The engine reads and writes only inside the workspace: a path setting that
 * leaves it is an error, not a path to write (or read).
 */
function checkConfigPaths(file: string, config: Partial<Config>): Partial<Config> {
  const out: Partial<Config> = { ...config };
  const inside = (key: string, value: string, must: string): string => {
    const p = normalizeConfigPath(value);
    if (p === undefined) {
      const reason = `${must} inside the workspace, relative to its root: ${JSON.stringify(value)} ${whyNotInside(value)}`;
      throw new ConfigError(file, key, reason);
    }
    return p;
  };
  // In the file's order: the first wrong key is the one reported.
  for (const key of Object.keys(config)) {
    if (isPathKey(key)) {
      const value = config[key];
      if (typeof value === 'string') {
        out[key] = inside(key, value, 'must be a path');
      }
    } else if (key === 'composeFiles' && Array.isArray(config.composeFiles)) {
      out.composeFiles = config.composeFiles.map((value) => inside(key, value, 'must list paths'));
    }
  }
  return out;
}

/**
 * The engine's config schema (see engineSchema in configSchema.ts), precompiled by `npm run gen:schemas`.
 * Loaded on first use: most workspaces have no config file, and `npm run gen:schemas`, which writes the
 * module, must load this one whatever the module holds.
 */
const configSchemaValidator = loadedOnFirstUse(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => require('./generated/configSchemaValidator') as { default: StandaloneValidator },
);

function yamlError(e: Error): { reason: string; position?: ConfigPosition } {
  const at = (e as Partial<YAMLParseError>).linePos?.[0];
  return {
    reason: e.message.split('\n')[0]!.replace(/ at line (\d+), column (\d+):?$/, ' (line $1, column $2)'),
    position: at && { line: at.line, column: at.col },
  };
}

/**
 * Node's JSON error without the slice of the file it quotes (`Unexpected token '/', "// c"... is
 * not valid JSON`), with the line and column when it gives a position, and a hint for comments.
 */
function jsonError(e: Error, text: string): { reason: string; position?: ConfigPosition } {
  // The slice may be cut at its start (`Unexpected token '}', ..." "rules": }"`).
  let reason = e.message.split('\n')[0]!.replace(/, (?:\.\.\.)?".*$/, '').replace(/ is not valid JSON$/, '');
  let position: ConfigPosition | undefined;
  const at = / (?:in|after) JSON at position (\d+)/.exec(reason);
  if (at) {
    const before = text.slice(0, Number(at[1]));
    position = { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
    reason = `${reason.slice(0, at.index)} (line ${position.line}, column ${position.column})`;
  }
  if (/^\s*(\/\/|\/\*)/m.test(text)) {
    reason = `${reason}; JSON has no comments (a .docker-modularity.yaml may have them)`;
  }
  return { reason, position };
}

/**
 * The second of two equal keys of one object, which JSON.parse lets replace the first without a
 * word (`{"rules": {…}, "rules": {…}}` lost the first rules). JSON is YAML 1.2, so the yaml package
 * finds it as it does in a .docker-modularity.yaml, with the same message; its other complaints
 * about JSON that JSON.parse took are not the config's problem.
 */
function duplicateJsonKey(json: string): YAMLParseError | undefined {
  return parseDocument(json, { uniqueKeys: true }).errors.find((e) => e.code === 'DUPLICATE_KEY');
}

/** Parses and validates config text; throws {@link ConfigError} with the offending key. */
export function parseConfig(file: string, text: string, knownRules?: ReadonlySet<string>): Partial<Config> {
  let data: unknown;
  const json = file.endsWith('.json');
  const body = text.replace(/^\uFEFF/, '');
  if (!json && yamlTooDeep(body)) {
    throw new ConfigError(file, '', `is not read: its YAML nests more than ${MAX_YAML_DEPTH} levels deep (a config file needs a few)`);
  }
  try {
    // An empty file is an empty config, in JSON as in YAML.
    data = json ? (body.trim() === '' ? {} : JSON.parse(body)) : parseYaml(text, { maxAliasCount: 50 });
  } catch (e) {
    const { reason, position } = json ? jsonError(e as Error, body) : yamlError(e as Error);
    throw new ConfigError(file, '', `is not valid ${json ? 'JSON' : 'YAML'}: ${reason}`, position);
  }
  // JSON.parse took it; yaml is asked only for its duplicate keys, and not past the depth it is trusted with.
  const duplicate = json && body.trim() !== '' && !yamlTooDeep(body) ? duplicateJsonKey(body) : undefined;
  if (duplicate) {
    const { reason, position } = yamlError(duplicate);
    throw new ConfigError(file, '', `is not valid JSON: ${reason}`, position);
  }
  if (data === null || data === undefined) {
    return {};
  }
  const validate = configSchemaValidator();
  if (!validate(data)) {
    const err = validate.errors![0]!;
    const key = err.instancePath.replace(/^\//, '').replace(/\//g, '.') || (err.params as { additionalProperty?: string }).additionalProperty || '';
    let reason = err.message ?? 'is invalid';
    if (err.keyword === 'additionalProperties') {
      reason = 'is not a known setting';
    } else if (err.keyword === 'enum') {
      reason = `must be one of ${(err.params as { allowedValues: string[] }).allowedValues.join(', ')}`;
    }
    throw new ConfigError(file, key, reason);
  }
  const config = checkConfigPaths(file, data as Partial<Config>);
  if (knownRules && config.rules) {
    for (const id of Object.keys(config.rules)) {
      if (!knownRules.has(id)) {
        throw new ConfigError(file, `rules.${id}`, 'is not a docker-modularity rule (run `docker-modularity rules` for the list)');
      }
    }
  }
  return config;
}

/** Layers partial configs over the defaults; later layers win, rule levels merge key by key. */
export function mergeConfig(...layers: (Partial<Config> | undefined)[]): Config {
  const out = defaultConfig();
  for (const layer of layers) {
    if (!layer) {
      continue;
    }
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) {
        continue;
      }
      if (isPathKey(k) && typeof v === 'string') {
        // Settings from an editor are normalised as the config file's are; one leaving the workspace is left out.
        const p = normalizeConfigPath(v);
        if (p !== undefined) {
          (out as unknown as Record<string, unknown>)[k] = p;
        }
      } else if (k === 'composeFiles' && Array.isArray(v)) {
        // Normalised as the config file's are; an entry leaving the workspace is left out.
        out.composeFiles = (v as string[]).flatMap((p) => normalizeConfigPath(p) ?? []);
      } else if (k === 'rules') {
        out.rules = { ...out.rules, ...(v as Record<string, Level>) };
      } else {
        (out as unknown as Record<string, unknown>)[k] = v;
      }
    }
  }
  return out;
}
