import type { RuleDefinition } from '../../rule';
import { buildPathNotFound } from './buildPathNotFound';
import { composeSchema } from './composeSchema';
import { hostNotServiceName } from './hostNotServiceName';
import { obsoleteVersionKey } from './obsoleteVersionKey';
import { parseError } from './parseError';
import { serviceNetworkMissing } from './serviceNetworkMissing';
import { sharedVolumeMissing } from './sharedVolumeMissing';
import { sharedVolumePathMismatch } from './sharedVolumePathMismatch';
import { undeclaredVolume } from './undeclaredVolume';
import { unknownServiceReference } from './unknownServiceReference';
import { unusedVolume } from './unusedVolume';

/** The compose rules, sorted by id. */
export const COMPOSE_RULES: readonly RuleDefinition[] = [
  buildPathNotFound,
  composeSchema,
  hostNotServiceName,
  obsoleteVersionKey,
  parseError,
  serviceNetworkMissing,
  sharedVolumeMissing,
  sharedVolumePathMismatch,
  undeclaredVolume,
  unknownServiceReference,
  unusedVolume,
];
