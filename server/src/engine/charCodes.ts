/**
 * Character codes the scanners compare `charCodeAt` with. Only constants here, and no imports: the
 * minifying build then puts each value in place of its name in every module that uses it (esbuild
 * inlines top-level constants of a module like this across modules).
 */
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const DOUBLE_QUOTE = 34;
export const HASH = 35;
export const DOLLAR = 36;
export const SINGLE_QUOTE = 39;
export const DASH = 45;
export const DOT = 46;
export const SLASH = 47;
export const OPEN_BRACKET = 91;
export const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;
