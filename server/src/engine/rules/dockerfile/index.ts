import type { RuleDefinition } from '../../rule';

/** The dockerfile rules, sorted by id. */
export const DOCKERFILE_RULES: readonly RuleDefinition[] = [];
