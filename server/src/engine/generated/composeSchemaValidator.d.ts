import type { ErrorObject } from 'ajv';

/** The Compose Specification validator, precompiled by scripts/gen-compose-validator.mjs. */
declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validate;
