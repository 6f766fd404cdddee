import type { RuleDefinition } from '../../rule';

/** The env rules, sorted by id. */
export const ENV_RULES: readonly RuleDefinition[] = [];
