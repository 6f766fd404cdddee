import type { RuleDefinition } from '../../rule';
import { buildPathNotFound } from './buildPathNotFound';
import { parseError } from './parseError';
import { sharedVolumeMissing } from './sharedVolumeMissing';

/** The compose rules, sorted by id. */
export const COMPOSE_RULES: readonly RuleDefinition[] = [
  buildPathNotFound,
  parseError,
  sharedVolumeMissing,
];
