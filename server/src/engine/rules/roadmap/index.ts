import type { RuleDefinition } from '../../rule';

/** The roadmap rules, sorted by id. */
export const ROADMAP_RULES: readonly RuleDefinition[] = [];
