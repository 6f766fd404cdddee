/**
 * The extension's grammars as VS Code tokenizes them: its own TextMate engine (vscode-textmate and
 * vscode-oniguruma) and its built-in Docker grammar, from the code-server that scripts/e2e-setup.sh
 * installs. Before, the suppression-comment highlighting reached YAML only: the Docker grammar and
 * the env grammar matched a comment in one rule, which an injection cannot enter.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseSuppressionLine } from '../../server/src/engine/suppress';
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
    'source.dockerfile': join(VSCODE, 'extensions', 'docker', 'syntaxes', 'docker.tmLanguage.json'),
    // The built-in Markdown grammar: the roadmap document and READMEs (its fenced Dockerfiles and YAML, above).
    'text.html.markdown': join(VSCODE, 'extensions', 'markdown-basics', 'syntaxes', 'markdown.tmLanguage.json'),
  };
  // The built-in YAML grammar (compose files, as yaml or dockercompose) and the versions it includes.
  const yaml = join(VSCODE, 'extensions', 'yaml', 'syntaxes');
  for (const f of readdirSync(yaml).filter((n) => n.endsWith('.json'))) {
    grammars[(JSON.parse(readFileSync(join(yaml, f), 'utf8')) as { scopeName: string }).scopeName] = join(yaml, f);
  }
  // The extension's grammars, and the injections' targets, as package.json declares them.
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
  };
  for (const g of manifest.contributes.grammars) {
    grammars[g.scopeName] = join(REPO, g.path);
  }
  const injections = (scope: string): string[] =>
    manifest.contributes.grammars.filter((g) => g.injectTo?.includes(scope)).map((g) => g.scopeName);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      grammars[scope] ? textmate.parseRawGrammar(readFileSync(grammars[scope]!, 'utf8'), grammars[scope]!) : null,
    getInjections: injections,
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

const DIRECTIVE = 'keyword.control.directive.suppression.docker-modularity';
const RULE_ID = 'entity.name.tag.rule-id.docker-modularity';

/**
 * Each line's suppression as the grammar highlights it (the directive, the rule ids) next to the one
 * the engine reads (server/src/engine/suppress.ts), for the lines of `lines` that mention the directive.
 */
function highlightedVsRead(lines: string[], tokens: Token[][]): { line: string; highlighted: string[]; read: string[] }[] {
  return lines.flatMap((line, i) => {
    if (!line.includes('docker-modularity-ignore')) {
      return [];
    }
    const toks = tokens[i]!;
    const highlighted = toks.some((t) => t.scopes.includes(DIRECTIVE))
      ? ['directive', ...toks.filter((t) => t.scopes.includes(RULE_ID)).map((t) => t.text)]
      : [];
    const comment = parseSuppressionLine(line);
    const read = comment ? ['directive', ...comment.ids.map((id) => id.id)] : [];
    return [{ line, highlighted, read }];
  });
}

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

  it('highlights a suppression exactly where the engine reads one, in Dockerfiles, compose and env files', async function () {
    const tokenize = await tokenizer();
    // Before, the directive was highlighted with no comment opener before it (in a LABEL string, a RUN
    // argument) and inside any comment (`# a note on docker-modularity-ignore`), where the engine reads
    // none; and it was not highlighted in a compose file's dockerfile_inline, where the engine reads one.
    const dockerfile = [
      'FROM myapp-base:latest',
      '# docker-modularity-ignore install-outside-base',
      '  # docker-modularity-ignore-file unused-stage, copy-before-install -- kept for the demo',
      '#docker-modularity-ignore:install-outside-base',
      'RUN pip install debugpy # docker-modularity-ignore install-outside-base',
      '# see below # docker-modularity-ignore install-outside-base',
      'LABEL note="docker-modularity-ignore install-outside-base"',
      'LABEL note="# docker-modularity-ignore install-outside-base"',
      'RUN echo docker-modularity-ignore',
      '# a note on docker-modularity-ignore install-outside-base',
      '# docker-modularity-ignore install-outside-base: moved next sprint',
      '# docker-modularity-ignore-next-line install-outside-base',
      'RUN pip install debugpy',
    ];
    const compose = [
      'services:',
      '  # docker-modularity-ignore unused-volume',
      '  web:',
      '    image: myapp-web:1 # docker-modularity-ignore image-tag -- pinned elsewhere',
      '    labels:',
      '      note: "docker-modularity-ignore unused-volume"',
      '      other: "# docker-modularity-ignore unused-volume"',
      '    # a note on docker-modularity-ignore unused-volume',
      '    command: echo docker-modularity-ignore',
      '    build:',
      '      dockerfile_inline: |',
      '        FROM myapp-base:latest',
      '        # docker-modularity-ignore install-outside-base',
      '        RUN pip install debugpy',
      '  worker:',
      '    image: myapp-worker:1',
    ];
    const env = [
      '# docker-modularity-ignore secret-in-shared-env-file -- a test key',
      '  # docker-modularity-ignore-file secret-in-shared-env-file',
      'API_KEY=test # docker-modularity-ignore secret-in-shared-env-file',
      '# indented comment docker-modularity-ignore',
      '  # a note on docker-modularity-ignore secret-in-shared-env-file',
      'NOTE=docker-modularity-ignore',
      'NOTE="# docker-modularity-ignore secret-in-shared-env-file"',
      'SENTRY_DSN',
    ];
    const differ: { scope: string; line: string; highlighted: string[]; read: string[] }[] = [];
    for (const [scope, lines] of [
      ['source.dockerfile', dockerfile],
      ['source.yaml', compose],
      ['source.dotenv-docker', env],
    ] as const) {
      const rows = highlightedVsRead(lines, await tokenize(scope, lines));
      differ.push(...rows.filter((r) => r.highlighted.join() !== r.read.join()).map((r) => ({ scope, ...r })));
      // Both kinds of line are there: some read, some not.
      assert.ok(rows.some((r) => r.read.length > 0) && rows.some((r) => r.read.length === 0), scope);
    }
    assert.deepEqual(differ, []);
    // The grammars around go on as before: a compose suppression is still a YAML comment, the next
    // Dockerfile instruction is still an instruction, the inline Dockerfile still a block scalar.
    const [, yamlComment, , image, , , , , , , , , inline, , worker] = await tokenize('source.yaml', compose);
    assert.ok(
      scopeOf(yamlComment!, 'docker-modularity-ignore').includes('comment.line.number-sign.yaml'),
      JSON.stringify(yamlComment),
    );
    assert.ok(scopeOf(image!, 'docker-modularity-ignore').includes('comment.line.number-sign.yaml'), JSON.stringify(image));
    assert.ok(scopeOf(inline!, 'docker-modularity-ignore').includes('string.unquoted.block.yaml'), JSON.stringify(inline));
    assert.ok(
      scopeOf(worker!, 'worker').some((s) => s.startsWith('entity.name.tag')),
      JSON.stringify(worker),
    );
    const dockerTokens = await tokenize('source.dockerfile', dockerfile);
    assert.ok(scopeOf(dockerTokens.at(-1)!, 'RUN').includes('keyword.other.special-method.dockerfile'));
    const envTokens = await tokenize('source.dotenv-docker', env);
    assert.deepEqual(scopeOf(envTokens.at(-1)!, 'SENTRY_DSN'), ['source.dotenv-docker', 'variable.other.env.dotenv-docker']);
  });

  it('highlights a suppression in Markdown (the roadmap, a README) exactly where the engine reads one, and leaves the rest Markdown', async function () {
    // Before, no grammar was injected into Markdown: `<!-- docker-modularity-ignore … -->` was a plain HTML comment.
    const tokenize = await tokenizer();
    const markdown = `
# Docker & DevOps Modularization Roadmap

<!-- docker-modularity-ignore-file roadmap-claim-satisfied -->
## 1. Shared Base Image

<!-- docker-modularity-ignore roadmap-claim-violated, roadmap-claim-satisfied -- checked by hand -->
- [x] Only \`Dockerfile.base\` installs system dependencies. _(Verified)_
- [ ] Mount these volumes in all relevant services <!-- docker-modularity-ignore roadmap-claim-satisfied -->
  <!-- docker-modularity-ignore:roadmap-claim-violated-->
<!-- # docker-modularity-ignore-file entrypoint-undocumented -->
<!-- a note on docker-modularity-ignore roadmap-claim-violated -->
<!-- docker-modularity-ignore roadmap-claim-violated: next sprint -->
<!-- docker-modularity-ignore-next-line roadmap-claim-violated -->
# docker-modularity-ignore roadmap-claim-violated
Add \`docker-modularity-ignore\` comments sparingly.
<!--
  docker-modularity-ignore roadmap-claim-violated
-->
## 2. Centralize Static Assets
- [x] Define Docker volumes in \`docker-compose.yml\`.
`
      .trim()
      .split('\n');
    const tokens = await tokenize('text.html.markdown', markdown);
    const rows = highlightedVsRead(markdown, tokens);
    assert.deepEqual(
      rows.filter((r) => r.highlighted.join() !== r.read.join()),
      [],
    );
    assert.ok(rows.some((r) => r.read.length > 0) && rows.some((r) => r.read.length === 0));
    // The comments are still comments, closed where they close: the Markdown after them reads as before.
    const [, , fileWide, section, , , , item, , , , , , , , , , , next, done] = tokens;
    assert.ok(scopeOf(fileWide!, '<!--').includes('comment.block.html'), JSON.stringify(fileWide));
    assert.ok(scopeOf(fileWide!, '-->').includes('comment.block.html'), JSON.stringify(fileWide));
    assert.ok(scopeOf(item!, '-->').includes('comment.block.html'), JSON.stringify(item));
    assert.ok(
      section!.some((t) => t.scopes.some((x) => x.startsWith('markup.heading'))),
      JSON.stringify(section),
    );
    assert.ok(
      next!.some((t) => t.scopes.some((x) => x.startsWith('markup.heading'))),
      JSON.stringify(next),
    );
    assert.ok(!done!.some((t) => t.scopes.includes('comment.block.html')), JSON.stringify(done));
  });
});
