import type { StandaloneValidator } from '../validators';

/** The Compose Specification validator, precompiled by scripts/gen-compose-validator.mjs. */
declare const validate: StandaloneValidator;
export default validate;
