import type { RuleDefinition } from '../../rule';
import { duplicateStageName } from './duplicateStageName';
import { installOutsideBase } from './installOutsideBase';

/** The dockerfile rules, sorted by id. */
export const DOCKERFILE_RULES: readonly RuleDefinition[] = [
  duplicateStageName,
  installOutsideBase,
];
