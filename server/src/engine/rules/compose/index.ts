import type { RuleDefinition } from '../../rule';

/** The compose rules, sorted by id. */
export const COMPOSE_RULES: readonly RuleDefinition[] = [];
