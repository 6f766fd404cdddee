import type { RuleDefinition } from '../../rule';
import { roadmapClaimSatisfied, roadmapClaimViolated } from './roadmapClaims';

/** The roadmap-document rules, sorted by id. */
export const ROADMAP_RULES: readonly RuleDefinition[] = [roadmapClaimSatisfied, roadmapClaimViolated];
