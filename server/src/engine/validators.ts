import type { ErrorObject } from 'ajv';

/**
 * A JSON Schema validator compiled ahead of time into Ajv's standalone code (server/src/engine/generated/:
 * the Compose Specification by scripts/gen-compose-validator.mjs, the config file by `npm run gen:schemas`),
 * so that no process pays for compiling the schema and no bundle carries Ajv's compiler.
 */
export type StandaloneValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * A precompiled validator, loaded the first time it is asked for (a process may never need it). `load`
 * requires the module with a literal path, which the bundler follows.
 */
export function loadedOnFirstUse(load: () => { default: StandaloneValidator }): () => StandaloneValidator {
  let validate: StandaloneValidator | undefined;
  return () => (validate ??= load().default);
}
