import type { StandaloneValidator } from '../validators';

/** The engine's config file validator, precompiled by `npm run gen:schemas` (see configValidatorSource in configSchema.ts). */
declare const validate: StandaloneValidator;
export default validate;
