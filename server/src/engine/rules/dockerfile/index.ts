import type { RuleDefinition } from '../../rule';
import { baseImageUnresolved } from './baseImageUnresolved';
import { buildToolsInFinalStage } from './buildToolsInFinalStage';
import { duplicateStageName } from './duplicateStageName';
import { installOutsideBase } from './installOutsideBase';
import { legacyDockerfile } from './legacyDockerfile';
import { serviceNotFromBase } from './serviceNotFromBase';
import { unknownStageReference } from './unknownStageReference';
import { unusedStage } from './unusedStage';

/** The dockerfile rules, sorted by id. */
export const DOCKERFILE_RULES: readonly RuleDefinition[] = [
  baseImageUnresolved,
  buildToolsInFinalStage,
  duplicateStageName,
  installOutsideBase,
  legacyDockerfile,
  serviceNotFromBase,
  unknownStageReference,
  unusedStage,
];
