/**
 * Where the project and its rule documentation live, for the language server's diagnostics and the
 * CLI's SARIF alike (a module of its own, so the CLI does not bundle the LSP protocol for them).
 */

/** The project's home: SARIF's `informationUri`. */
export const PROJECT_URL = 'https://github.com/docker-modularity/docker-modularity';

/**
 * Where the rule documentation lives; a diagnostic and a SARIF rule (`helpUri`) link to
 * `<base>/<rule-id>.md`. The package is not on npm, so the docs are linked in the repository.
 */
export const RULE_DOCS_BASE_URL = `${PROJECT_URL}/blob/main/docs/rules`;

export function ruleDocUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE_URL}/${encodeURIComponent(ruleId)}.md`;
}
