import type { RuleDefinition } from '../../rule';
import { envFileMissing } from './envFileMissing';
import { envFileNotFound } from './envFileNotFound';
import { envVarUndocumented } from './envVarUndocumented';
import { secretInEnvironment } from './secretInEnvironment';
import { secretInSharedEnvFile } from './secretInSharedEnvFile';
import { secretsFileNotIgnored } from './secretsFileNotIgnored';

/** The env rules, sorted by id. */
export const ENV_RULES: readonly RuleDefinition[] = [
  envFileMissing,
  envFileNotFound,
  envVarUndocumented,
  secretInEnvironment,
  secretInSharedEnvFile,
  secretsFileNotIgnored,
];
