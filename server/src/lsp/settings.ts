import { LEVELS as LEVEL_LIST, type Config, type Level } from '../engine/config';
import { DEFAULT_SETTINGS, type RuleLevel, type Settings } from '../protocol';

const LEVELS: ReadonlySet<string> = new Set(LEVEL_LIST);

/** Reads `dockerModularity.*` as the client sent it, keeping only well-formed values. */
export function normalizeSettings(raw: unknown): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, rules: {}, exclude: [] };
  if (typeof raw !== 'object' || raw === null) {
    return s;
  }
  const r = raw as Record<string, unknown>;
  if (typeof r.enable === 'boolean') {
    s.enable = r.enable;
  }
  if (typeof r.rules === 'object' && r.rules !== null) {
    for (const [id, level] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof level === 'string' && LEVELS.has(level)) {
        s.rules[id] = level as RuleLevel;
      }
    }
  }
  if (typeof r.baseImage === 'string' && r.baseImage.trim() !== '') {
    s.baseImage = r.baseImage.trim();
  }
  if (typeof r.sharedEnvFile === 'string' && r.sharedEnvFile.trim() !== '') {
    s.sharedEnvFile = r.sharedEnvFile.trim();
  }
  if (Array.isArray(r.exclude)) {
    s.exclude = r.exclude.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  }
  return s;
}

/**
 * The Analyzer overrides for a folder's settings: only what the user set, so the config file keeps
 * the rest. Rule levels merge key by key over the file's; excludes add to the file's.
 */
export function settingsToOverrides(
  settings: Settings,
  fileExclude: readonly string[],
  knownRules: ReadonlySet<string>,
): { overrides: Partial<Config>; unknownRules: string[] } {
  const overrides: Partial<Config> = {};
  const unknownRules: string[] = [];
  const rules: Record<string, Level> = {};
  for (const [id, level] of Object.entries(settings.rules)) {
    if (knownRules.has(id)) {
      rules[id] = level;
    } else {
      unknownRules.push(id);
    }
  }
  if (Object.keys(rules).length > 0) {
    overrides.rules = rules;
  }
  if (settings.baseImage) {
    overrides.baseImage = settings.baseImage;
  }
  if (settings.sharedEnvFile) {
    overrides.sharedEnvFile = settings.sharedEnvFile;
  }
  if (settings.exclude.length > 0) {
    overrides.exclude = [...fileExclude, ...settings.exclude];
  }
  return { overrides, unknownRules };
}
