/**
 * The extension's grammars as VS Code tokenizes them: its own TextMate engine (vscode-textmate and
 * vscode-oniguruma) and its built-in Docker grammar, from the code-server that scripts/e2e-setup.sh
 * installs. Before, the suppression-comment highlighting reached YAML only: the Docker grammar and
 * the env grammar matched a comment in one rule, which an injection cannot enter.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { codeServerEntry, REPO } from './harness';

/** code-server's copy of VS Code (lib/vscode), where its node_modules and built-in extensions are. */
const VSCODE = join(dirname(codeServerEntry()), '..', '..', 'lib', 'vscode');
const requireVsCode = createRequire(join(VSCODE, 'package.json'));

interface Token {
  text: string;
  scopes: string[];
}

// The parts of vscode-textmate and vscode-oniguruma used here (code-server's copies, not this
// project's dependencies: the test reads the engine VS Code itself runs).
interface TextMate {
  INITIAL: unknown;
  Registry: new (options: {
    onigLib: Promise<unknown>;
    loadGrammar(scope: string): Promise<unknown>;
    getInjections(scope: string): string[];
  }) => { loadGrammar(scope: string): Promise<Grammar | null> };
  parseRawGrammar(content: string, path: string): unknown;
}
interface Grammar {
  tokenizeLine(
    line: string,
    state: unknown,
  ): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (s: string) => unknown;
}

async function tokenizer(): Promise<(scope: string, lines: string[]) => Promise<Token[][]>> {
  const textmate = requireVsCode('vscode-textmate') as TextMate;
  const oniguruma = requireVsCode('vscode-oniguruma') as Oniguruma;
  await oniguruma.loadWASM(readFileSync(requireVsCode.resolve('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer);
  const grammars: Record<string, string> = {
    'source.dotenv-docker': join(REPO, 'syntaxes', 'env.tmLanguage.json'),
    'docker-modularity.suppression.injection': join(REPO, 'syntaxes', 'suppression.injection.tmLanguage.json'),
    'source.dockerfile': join(VSCODE, 'extensions', 'docker', 'syntaxes', 'docker.tmLanguage.json'),
  };
  // The injection's targets, as package.json declares them.
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes: { grammars: { scopeName: string; injectTo?: string[] }[] };
  };
  const injectTo = manifest.contributes.grammars.find(
    (g) => g.scopeName === 'docker-modularity.suppression.injection',
  )!.injectTo!;
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      grammars[scope] ? textmate.parseRawGrammar(readFileSync(grammars[scope]!, 'utf8'), grammars[scope]!) : null,
    getInjections: (scope: string) => (injectTo.includes(scope) ? ['docker-modularity.suppression.injection'] : []),
  });
  return async (scope, lines) => {
    const grammar = (await registry.loadGrammar(scope))!;
    let state = textmate.INITIAL;
    return lines.map((line) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}

const scopeOf = (tokens: Token[], text: string): string[] => tokens.find((t) => t.text === text)?.scopes ?? [];

describe('grammars, tokenized as VS Code does', function () {
  it('highlights a suppression comment in a Dockerfile and in an env file, and reads a bare env name as a variable', async function () {
    const tokenize = await tokenizer();
    const [dockerComment, run] = await tokenize('source.dockerfile', [
      '# docker-modularity-ignore install-outside-base',
      'RUN pip install debugpy',
    ]);
    assert.ok(
      scopeOf(dockerComment!, 'docker-modularity-ignore').includes('keyword.control.directive.suppression.docker-modularity'),
      JSON.stringify(dockerComment),
    );
    assert.ok(scopeOf(dockerComment!, 'install-outside-base').includes('entity.name.tag.rule-id.docker-modularity'));
    assert.ok(
      scopeOf(run!, 'RUN').includes('keyword.other.special-method.dockerfile'),
      'the Docker grammar still reads the next line',
    );
    const [envComment, trailing, bare] = await tokenize('source.dotenv-docker', [
      '# docker-modularity-ignore secret-in-shared-env-file -- a test key',
      'API_KEY=test # docker-modularity-ignore secret-in-shared-env-file',
      'SENTRY_DSN',
    ]);
    assert.ok(
      scopeOf(envComment!, 'docker-modularity-ignore').includes('keyword.control.directive.suppression.docker-modularity'),
      JSON.stringify(envComment),
    );
    assert.ok(scopeOf(trailing!, 'docker-modularity-ignore').includes('keyword.control.directive.suppression.docker-modularity'));
    // docker compose reads a bare name as pass-through from the shell: no "invalid" mark.
    assert.deepEqual(scopeOf(bare!, 'SENTRY_DSN'), ['source.dotenv-docker', 'variable.other.env.dotenv-docker']);
  });
});
