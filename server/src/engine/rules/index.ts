import type { RuleDefinition } from '../rule';
import { DOCKERFILE_RULES } from './dockerfile';
import { COMPOSE_RULES } from './compose';
import { ENV_RULES } from './env';
import { ROADMAP_RULES } from './roadmap';
import { IMAGE_RULES } from './image';

/** Every rule, sorted by id. Each group's index lists its rules explicitly. */
export const RULES: readonly RuleDefinition[] = [...DOCKERFILE_RULES, ...COMPOSE_RULES, ...ENV_RULES, ...ROADMAP_RULES, ...IMAGE_RULES].sort(
  (a, b) => (a.id < b.id ? -1 : 1),
);

export function findRule(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}
