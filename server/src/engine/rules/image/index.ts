import type { RuleDefinition } from '../../rule';
import { assetCopiedIntoImage } from './assetCopiedIntoImage';
import { copiesAllScripts } from './copiesAllScripts';
import { copyBeforeInstall } from './copyBeforeInstall';
import { entrypointNotFound } from './entrypointNotFound';
import { entrypointOutsideSharedDir } from './entrypointOutsideSharedDir';
import { entrypointUndocumented } from './entrypointUndocumented';
import { testArtifactsInRuntime } from './testArtifactsInRuntime';

/** What goes into an image: entrypoints, assets, tests and layer order. Sorted by id. */
export const IMAGE_RULES: readonly RuleDefinition[] = [
  assetCopiedIntoImage,
  copiesAllScripts,
  copyBeforeInstall,
  entrypointNotFound,
  entrypointOutsideSharedDir,
  entrypointUndocumented,
  testArtifactsInRuntime,
];
