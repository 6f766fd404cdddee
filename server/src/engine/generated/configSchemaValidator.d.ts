import type { ErrorObject } from 'ajv';

/** The engine's config schema validator, precompiled by `npm run gen:schemas` (see configValidatorSource in configSchema.ts). */
declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validate;
