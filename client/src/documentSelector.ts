/**
 * The documents the language client sends to the server, so that their diagnostics get quick fixes
 * and ignore actions. Plain data (no `vscode`), so a test checks it covers every file the server
 * reports on.
 */
export interface DocumentFilter {
  scheme: 'file';
  language?: string;
  pattern?: string;
}

export const DOCUMENT_SELECTOR: readonly DocumentFilter[] = [
  { scheme: 'file', language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile}{,.*}' },
  { scheme: 'file', pattern: '**/*.{dockerfile,containerfile}' },
  { scheme: 'file', language: 'dockercompose' },
  // Every YAML file: a compose file may have any name (cookiecutter-django's `local.yml`) when a
  // compose file includes or extends it, COMPOSE_FILE of the root `.env`, a `docker compose -f` of a
  // Makefile, script or CI workflow, or the config's `composeFiles` names it. The server reads only compose files: an edit to any other YAML file
  // is no file of the analysis, and it gets no diagnostics.
  { scheme: 'file', pattern: '**/*.{yml,yaml,YML,YAML}' },
  { scheme: 'file', language: 'dotenv-docker' },
  { scheme: 'file', pattern: '**/{.env,.env.*,*.env,secrets,secrets.*}' },
  // cookiecutter-django's env files (`.envs/.local/.django`, `.envs/.production/.postgres`), read through `env_file`.
  { scheme: 'file', pattern: '**/.envs/**' },
  { scheme: 'file', pattern: '**/.docker-modularity.{json,yaml,yml}' },
  // Every Markdown file: the server reports on the roadmap document (by its default name or any
  // `roadmapFile`) and on entrypoint READMEs, and already reads every *.md of the workspace (an
  // open one only replaces its disk text; an edit that changes no finding changes nothing).
  { scheme: 'file', pattern: '**/*.[Mm][Dd]' },
];
