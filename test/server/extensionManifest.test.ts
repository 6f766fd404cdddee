import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { minimatch } from 'minimatch';
import { Analyzer } from '../../server/src/engine/analyzer';
import { CONFIG_FILE_NAMES } from '../../server/src/engine/config';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { classifyPath } from '../../server/src/engine/project';
import { parseSuppressionLine } from '../../server/src/engine/suppress';
import { Commands, DEFAULT_SETTINGS, SETTINGS_SECTION } from '../../server/src/protocol';

const REPO = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean }; virtualWorkspaces: { supported: boolean; description?: string } };
  contributes: {
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
    commands: { command: string; title: string; category: string }[];
    languages: { id: string; filenames?: string[]; filenamePatterns?: string[]; configuration?: string }[];
    grammars: { language?: string; scopeName: string; path: string; injectTo?: string[] }[];
    snippets: { language: string; path: string }[];
    jsonValidation: { fileMatch: string | string[]; url: string }[];
    yamlValidation: { fileMatch: string | string[]; url: string }[];
  };
};

function readJson(rel: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(REPO, rel), 'utf8'));
}

/** Every regular expression of a TextMate grammar, with where it is. */
function grammarRegexes(node: unknown, at = '$', out: { at: string; source: string }[] = []): { at: string; source: string }[] {
  if (Array.isArray(node)) {
    node.forEach((n, i) => grammarRegexes(n, `${at}[${i}]`, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') {
        out.push({ at: `${at}.${k}`, source: v });
      } else {
        grammarRegexes(v, `${at}.${k}`, out);
      }
    }
  }
  return out;
}

/** A snippet body with every placeholder replaced by its default. */
function expandSnippet(body: string[]): string {
  let text = body.join('\n');
  for (let i = 0; i < 5 && /\$\{\d+:/.test(text); i++) {
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  }
  return text.replace(/\$\d+/g, '');
}

describe('extension manifest and assets', () => {
  it('points at files that exist: the client bundle path, grammars, snippets, schemas', () => {
    assert.equal(pkg.main, './dist/client.js');
    const c = pkg.contributes;
    const paths = [
      ...c.grammars.map((g) => g.path),
      ...c.snippets.map((s) => s.path),
      ...c.jsonValidation.map((j) => j.url),
      ...c.yamlValidation.map((j) => j.url),
      ...c.languages.flatMap((l) => (l.configuration ? [l.configuration] : [])),
    ];
    for (const p of paths) {
      assert.ok(fs.existsSync(path.join(REPO, p)), `${p} is missing`);
      readJson(p);
    }
    assert.ok(c.jsonValidation.some((j) => j.fileMatch === '.docker-modularity.json'));
  });

  it('declares trust and virtual-workspace support, and activates on the files it checks', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces.supported, false);
    assert.ok((pkg.capabilities.virtualWorkspaces.description ?? '').length > 20);
    for (const e of ['onLanguage:dockerfile', 'onLanguage:dockercompose']) {
      assert.ok(pkg.activationEvents.includes(e), e);
    }
    assert.ok(pkg.activationEvents.some((e) => e.startsWith('workspaceContains:') && e.includes('compose')));
    assert.ok(!pkg.activationEvents.includes('*'));
  });

  it('contributes exactly the commands the client registers, and a described setting per settings field', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    const client = fs.readFileSync(path.join(REPO, 'client', 'src', 'clientMain.ts'), 'utf8');
    for (const key of Object.keys(Commands)) {
      assert.ok(client.includes(`registerCommand(Commands.${key}`), `client does not register ${key}`);
    }
    const props = pkg.contributes.configuration.properties;
    const expected = [...Object.keys(DEFAULT_SETTINGS), 'trace.server'].map((k) => `${SETTINGS_SECTION}.${k}`).sort();
    assert.deepEqual(Object.keys(props).sort(), expected);
    for (const [k, v] of Object.entries(props)) {
      assert.ok((v.description ?? v.markdownDescription ?? '').length > 20, `${k} has no description`);
    }
  });

  it('names the config file, where a setting says which, by every name the engine reads', () => {
    // Before, dockerModularity.rules named .docker-modularity.json only, though a .yaml or .yml config is layered the same way.
    for (const [k, v] of Object.entries(pkg.contributes.configuration.properties)) {
      const text = v.markdownDescription ?? v.description ?? '';
      if (!text.includes('.docker-modularity.')) {
        continue;
      }
      for (const name of CONFIG_FILE_NAMES) {
        assert.ok(text.includes(name), `${k} does not name ${name}: ${text}`);
      }
    }
  });

  it('ships an env-file language whose grammar compiles, and never claims YAML or JSON files', () => {
    const lang = pkg.contributes.languages.find((l) => l.id === 'dotenv-docker')!;
    assert.ok(lang.filenames?.includes('.env.docker'));
    assert.ok(lang.filenamePatterns?.includes('*.env'));
    for (const p of lang.filenamePatterns ?? []) {
      assert.ok(!/\*$/.test(p), `${p} would take secrets.yaml or secrets.json away from their languages`);
    }
    for (const g of pkg.contributes.grammars) {
      for (const r of grammarRegexes(readJson(g.path))) {
        assert.doesNotThrow(() => new RegExp(r.source), `${g.path} ${r.at}`);
      }
    }
  });

  it('injects a highlight for suppression comments into Dockerfiles, YAML, env files and Markdown', () => {
    const injections = pkg.contributes.grammars.filter((x) => x.injectTo);
    // Before, Markdown (the roadmap document, a README) had none, though the engine reads `<!-- docker-modularity-ignore … -->` there.
    assert.deepEqual(injections.flatMap((g) => g.injectTo).sort(), [
      'source.dockerfile',
      'source.dotenv-docker',
      'source.yaml',
      'text.html.markdown',
    ]);
    const shared = injections.find((g) => g.scopeName === 'docker-modularity.suppression.injection')!;
    const grammar = readJson(shared.path) as { injectionSelector: string; repository: { suppression: { match: string } } };
    // YAML and env files: anywhere (a compose file's dockerfile_inline is a block scalar, not a comment), after their own
    // comment rules (no L: priority), which keep a suppression comment a comment.
    assert.deepEqual(shared.injectTo, ['source.yaml', 'source.dotenv-docker']);
    assert.equal(grammar.injectionSelector, 'source.yaml, source.dotenv-docker');
    // Dockerfiles: the built-in Docker grammar matches a comment in one rule, which an injection cannot enter, so a
    // Dockerfile comment holding a suppression is matched whole, first (test/e2e/grammars.e2e.ts).
    const docker = injections.find((g) => g.injectTo!.includes('source.dockerfile'))!;
    assert.deepEqual(docker.injectTo, ['source.dockerfile']);
    const dockerGrammar = readJson(docker.path) as { injectionSelector: string };
    assert.equal(dockerGrammar.injectionSelector, 'L:source.dockerfile -comment');
    assert.ok(JSON.stringify(dockerGrammar).includes('"docker-modularity.suppression.injection#suppression"'));
    // Markdown: first too (L:), in an HTML comment it opens itself, which closes at `-->` as Markdown's does
    // (test/e2e/grammars.e2e.ts); its suppression leaves that `-->` to the comment.
    const markdown = injections.find((g) => g.injectTo!.includes('text.html.markdown'))!;
    assert.deepEqual(markdown.injectTo, ['text.html.markdown']);
    assert.equal((readJson(markdown.path) as { injectionSelector: string }).injectionSelector, 'L:text.html.markdown');
    const re = new RegExp(grammar.repository.suppression.match);
    const m = re.exec('# docker-modularity-ignore install-outside-base, shared-volume-missing -- moved next sprint')!;
    assert.equal(m[1], 'docker-modularity-ignore');
    assert.equal(m[2]!.trim(), 'install-outside-base, shared-volume-missing');
    assert.equal(m[4]!.trim(), 'moved next sprint');
    assert.equal(re.exec('# docker-modularity-ignore-file unused-volume')![1], 'docker-modularity-ignore-file');
    // The colon after the directive, which the engine reads too.
    assert.equal(re.exec('# docker-modularity-ignore: unused-volume -- later')![2]!.trim(), 'unused-volume');
  });

  for (const scopeName of ['docker-modularity.suppression.injection', 'docker-modularity.suppression.markdown.injection']) {
    it(`highlights a suppression on exactly the lines the engine reads one, with the same rule ids (${scopeName})`, () => {
      const g = pkg.contributes.grammars.find((x) => x.scopeName === scopeName)!;
      const re = new RegExp(
        (readJson(g.path) as { repository: { suppression: { match: string } } }).repository.suppression.match,
      );
      // Before, the directive needed no `#` before it, and any comment mentioning it was highlighted.
      const lines = [
        '# docker-modularity-ignore install-outside-base',
        '  # docker-modularity-ignore-file unused-stage, copy-before-install -- kept for the demo',
        '#docker-modularity-ignore:install-outside-base',
        '# docker-modularity-ignore: -- every rule',
        '# docker-modularity-ignore -- every rule',
        '# docker-modularity-ignore',
        'RUN pip install debugpy # docker-modularity-ignore install-outside-base',
        '# see below # docker-modularity-ignore install-outside-base',
        '<!-- docker-modularity-ignore roadmap-item-open -->',
        '- [ ] Mount the volumes <!-- docker-modularity-ignore roadmap-claim-satisfied -- by hand -->',
        '<!-- docker-modularity-ignore:roadmap-claim-violated-->',
        '<!-- # docker-modularity-ignore-file entrypoint-undocumented -->',
        '<!-- a note on docker-modularity-ignore roadmap-claim-violated -->',
        '    image: myapp-web:1 # docker-modularity-ignore image-tag -- pinned elsewhere',
        'LABEL note="docker-modularity-ignore install-outside-base"',
        'LABEL note="# docker-modularity-ignore install-outside-base"',
        'RUN echo docker-modularity-ignore',
        '# a note on docker-modularity-ignore install-outside-base',
        '# indented comment docker-modularity-ignore',
        '# docker-modularity-ignore install-outside-base: moved next sprint',
        '# docker-modularity-ignore-next-line install-outside-base',
        '# docker-modularity-ignored install-outside-base',
        'NOTE=docker-modularity-ignore',
      ];
      const read = (line: string) => parseSuppressionLine(line)?.ids.map((i) => i.id) ?? null;
      const highlighted = (line: string) => {
        const m = re.exec(line);
        return m ? [...(m[2] ?? '').matchAll(/[A-Za-z0-9_-]+/g)].map((x) => x[0]) : null;
      };
      assert.deepEqual(
        lines.map((l) => [l, highlighted(l)]),
        lines.map((l) => [l, read(l)]),
      );
      assert.ok(lines.some((l) => read(l) === null) && lines.some((l) => read(l) !== null));
    });
  }

  it('offers the compose snippets in compose files, by every name the engine reads as one, and in no other YAML file', () => {
    // Before, they were registered for every yaml file too: GitHub workflows, Kubernetes manifests.
    const compose = pkg.contributes.snippets.filter((s) => s.path === './snippets/compose.json');
    assert.deepEqual(
      compose.map((s) => s.language),
      ['dockercompose'],
    );
    // VS Code gives some compose names the dockercompose language (compose.*.yml, *docker*compose*.yml, not compose-dev.yml);
    // the manifest gives it every name the engine reads as a compose file. VS Code matches the patterns ignoring case.
    const lang = pkg.contributes.languages.find((l) => l.id === 'dockercompose');
    const patterns = [...(lang?.filenames ?? []), ...(lang?.filenamePatterns ?? [])];
    const claimed = (name: string) => patterns.some((p) => minimatch(name.toLowerCase(), p.toLowerCase(), { dot: true }));
    const isCompose = (name: string) => classifyPath(name, {})?.kind === 'compose';
    const examples = fs
      .readdirSync(path.join(REPO, 'examples'), { recursive: true, encoding: 'utf8' })
      .map((p) => path.basename(p))
      .filter(isCompose);
    assert.ok(examples.length > 0);
    const names = [
      ...examples,
      ...['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml', 'compose.override.yml'],
      ...['docker-compose.prod.yaml', 'compose-dev.yml', 'compose-dev.yaml', 'docker-compose-test.yml', 'Docker-Compose.YML'],
      ...['ci.yml', 'deployment.yaml', 'values.yaml', 'composer.yml', 'my-compose.yml', 'compose.json', 'docker-compose.md'],
    ];
    assert.deepEqual(
      names.filter((n) => claimed(n) !== isCompose(n)),
      [],
    );
  });

  it('has snippets that, expanded with their defaults, make a workspace that checks clean', () => {
    const dockerfile = readJson('snippets/dockerfile.json') as Record<string, { prefix: string[]; body: string[] }>;
    const compose = readJson('snippets/compose.json') as Record<string, { prefix: string[]; body: string[] }>;
    const base = expandSnippet(Object.values(dockerfile).find((s) => s.prefix.includes('dm-base'))!.body);
    const service = expandSnippet(Object.values(dockerfile).find((s) => s.prefix.includes('dm-service'))!.body);
    const indent = (t: string) =>
      t
        .split('\n')
        .map((l) => (l ? `  ${l}` : l))
        .join('\n');
    const svc = Object.values(compose).find((s) => s.prefix.includes('dm-service'))!.body;
    const web = expandSnippet(svc);
    const worker = expandSnippet(svc).replace(/^web:/, 'worker:').replace('Dockerfile.web', 'Dockerfile.worker');
    const volumes = expandSnippet(Object.values(compose).find((s) => s.prefix.includes('dm-volumes'))!.body);
    const networks = expandSnippet(Object.values(compose).find((s) => s.prefix.includes('dm-networks'))!.body);
    // The base image is built and tagged by the compose snippet for it: before, no snippet did, so
    // the services' FROM myapp-base:latest was reported as base-image-unresolved.
    const baseService = expandSnippet(Object.values(compose).find((s) => s.prefix.includes('dm-base'))!.body);
    const composeText = `services:\n${indent(baseService)}\n${indent(web)}\n${indent(worker)}\n${volumes}\n${networks}\n`;
    const fs2 = new MemoryFileSystem({
      'Dockerfile.base': base,
      'docker/Dockerfile.web': service,
      'docker/Dockerfile.worker': service,
      'docker-compose.yml': composeText,
      '.env.docker': '',
      'requirements.txt': 'Django\n',
      'scripts/entrypoints/web.sh': '#!/bin/sh\nexec "$@"\n',
    });
    const result = new Analyzer(fs2).analyze();
    assert.equal(result.project.baseDockerfile?.path, 'Dockerfile.base');
    const web2 = result.project.services.find((s) => s.name === 'web')!;
    assert.ok(result.project.isApplicationService(web2), 'the service snippet builds FROM the base');
    // Only the snippets and the files they name: nothing to report.
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.path}: ${f.message}`),
      [],
    );
  });
});
