import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { RestartBudget } from '../../client/src/restartBudget';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { Analyzer } from '../../server/src/engine/analyzer';
import { LineIndex } from '../../server/src/engine/text';
import { ignoreFileChange, ignoreLineChange, kindRequested } from '../../server/src/lsp/codeActions';
import { OverlayFileSystem } from '../../server/src/lsp/overlayFileSystem';
import { NodeFileSystem } from '../../server/src/node/nodeFileSystem';
import { WATCHED_GLOBS } from '../../server/src/lsp/server';
import { classifyPath } from '../../server/src/engine/project';
import { globPattern } from '../../server/src/engine/paths';
import { normalizeSettings, settingsToOverrides } from '../../server/src/lsp/settings';
import { toWorkspaceEdit } from '../../server/src/lsp/workspaceEdits';
import { applyTextEdits } from '../../server/src/engine/fixes';
import type { FileChange } from '../../server/src/engine/rule';

function applyChange(text: string, change: FileChange): string {
  assert.equal(change.kind, 'edit');
  return applyTextEdits(text, change.kind === 'edit' ? change.edits : []);
}

describe('language server parts', () => {
  describe('ignore comments', () => {
    it('inserts a line comment above, with the line’s indentation and line break', () => {
      const text = 'services:\r\n  web:\r\n    volumes:\r\n      - a:/a\r\n';
      const out = applyChange(text, ignoreLineChange('c.yml', new LineIndex(text), 2, 'shared-volume-missing', '\r\n'));
      assert.equal(out, 'services:\r\n  web:\r\n    # docker-modularity-ignore shared-volume-missing\r\n    volumes:\r\n      - a:/a\r\n');
    });

    it('adds the rule to an ignore comment already on the line above', () => {
      const text = 'FROM base\n# docker-modularity-ignore other-rule\nRUN apt-get install -y curl\n';
      const out = applyChange(text, ignoreLineChange('Dockerfile', new LineIndex(text), 2, 'install-outside-base', '\n'));
      assert.equal(out, 'FROM base\n# docker-modularity-ignore other-rule, install-outside-base\nRUN apt-get install -y curl\n');
    });

    it('adds the rule to an ignore comment above with a colon or a reason, before the reason', () => {
      // Before, a new comment was inserted below it: the one with the reason then covered that comment, not the line.
      const text = 'FROM base\n# docker-modularity-ignore: other-rule -- the debug image needs it\nRUN apt-get install -y curl\n';
      const out = applyChange(text, ignoreLineChange('Dockerfile', new LineIndex(text), 2, 'install-outside-base', '\n'));
      assert.equal(
        out,
        'FROM base\n# docker-modularity-ignore: other-rule, install-outside-base -- the debug image needs it\nRUN apt-get install -y curl\n',
      );
      const file = '# docker-modularity-ignore-file x-rule -- legacy\nFROM base\n';
      assert.equal(
        applyChange(file, ignoreFileChange('Dockerfile', new LineIndex(file), 'y-rule', '\n')),
        '# docker-modularity-ignore-file x-rule, y-rule -- legacy\nFROM base\n',
      );
      const md = '# Entrypoints\n\n<!-- docker-modularity-ignore: other-rule -->\n## web.sh\n';
      assert.equal(
        applyChange(md, ignoreLineChange('README.md', new LineIndex(md), 3, 'entrypoint-undocumented', '\n')),
        '# Entrypoints\n\n<!-- docker-modularity-ignore: other-rule, entrypoint-undocumented -->\n## web.sh\n',
      );
    });

    it('inserts the file comment below parser directives, or extends an existing one', () => {
      const text = '# syntax=docker/dockerfile:1\n# escape=`\nFROM base\n';
      const out = applyChange(text, ignoreFileChange('Dockerfile', new LineIndex(text), 'x-rule', '\n'));
      assert.equal(out, '# syntax=docker/dockerfile:1\n# escape=`\n# docker-modularity-ignore-file x-rule\nFROM base\n');
      const again = applyChange(out, ignoreFileChange('Dockerfile', new LineIndex(out), 'y-rule', '\n'));
      assert.equal(again, '# syntax=docker/dockerfile:1\n# escape=`\n# docker-modularity-ignore-file x-rule, y-rule\nFROM base\n');
      const bare = '# syntax=docker/dockerfile:1';
      assert.equal(applyChange(bare, ignoreFileChange('Dockerfile', new LineIndex(bare), 'z', '\n')), '# syntax=docker/dockerfile:1\n# docker-modularity-ignore-file z');
    });

    it('keeps a byte order mark first, and the directives after it', () => {
      // Before, the comment went before the mark, and above a directive the mark hid from the check.
      const plainBom = '\uFEFFFROM base\n';
      assert.equal(
        applyChange(plainBom, ignoreFileChange('Dockerfile', new LineIndex(plainBom), 'x-rule', '\n')),
        '\uFEFF# docker-modularity-ignore-file x-rule\nFROM base\n',
      );
      const directive = '\uFEFF# syntax=docker/dockerfile:1\nFROM base\n';
      assert.equal(
        applyChange(directive, ignoreFileChange('Dockerfile', new LineIndex(directive), 'x-rule', '\n')),
        '\uFEFF# syntax=docker/dockerfile:1\n# docker-modularity-ignore-file x-rule\nFROM base\n',
      );
    });
  });

  describe('ignore comments in Markdown', () => {
    it('are HTML comments, which silence the finding and add no heading', () => {
      // Before, `# docker-modularity-ignore …` was inserted: a new first heading the finding moved onto.
      const readme = '# Entrypoints\n\n## web-entrypoint.sh\n\nStarts gunicorn.\n';
      const files = {
        'scripts/entrypoints/README.md': readme,
        'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec gunicorn app.wsgi\n',
        'scripts/entrypoints/worker-entrypoint.sh': '#!/bin/sh\nexec celery -A app worker\n',
      };
      const undocumented = (fs: MemoryFileSystem) =>
        new Analyzer(fs).analyze().findings.filter((f) => f.ruleId === 'entrypoint-undocumented');
      const fs = new MemoryFileSystem(files);
      const [finding] = undocumented(fs);
      assert.equal(finding?.range.start.line, 0);
      const lines = new LineIndex(readme);
      const ignored = applyChange(readme, ignoreLineChange('scripts/entrypoints/README.md', lines, 0, 'entrypoint-undocumented', '\n'));
      assert.equal(ignored, `<!-- docker-modularity-ignore entrypoint-undocumented -->\n${readme}`);
      fs.write('scripts/entrypoints/README.md', ignored);
      assert.deepEqual(undocumented(fs), []);
      const more = applyChange(ignored, ignoreLineChange('scripts/entrypoints/README.md', new LineIndex(ignored), 1, 'other-rule', '\n'));
      assert.equal(more, `<!-- docker-modularity-ignore entrypoint-undocumented, other-rule -->\n${readme}`);
      const file = applyChange(readme, ignoreFileChange('scripts/entrypoints/README.md', lines, 'entrypoint-undocumented', '\n'));
      assert.equal(file, `<!-- docker-modularity-ignore-file entrypoint-undocumented -->\n${readme}`);
      fs.write('scripts/entrypoints/README.md', file);
      assert.deepEqual(undocumented(fs), []);
    });
  });

  describe('code action kinds', () => {
    it('matches requested kinds by prefix, never the other way round', () => {
      assert.ok(kindRequested('source.fixAll.docker-modularity', undefined));
      assert.ok(kindRequested('source.fixAll.docker-modularity', ['source.fixAll']));
      assert.ok(kindRequested('source.fixAll.docker-modularity', ['source']));
      assert.ok(!kindRequested('source.fixAll.docker-modularity', ['quickfix']));
      assert.ok(!kindRequested('source.fixAll', ['source.fixAll.docker-modularity']));
      assert.ok(!kindRequested('source.fixAllX', ['source.fixAll']));
    });
  });

  describe('workspace edits', () => {
    const target = { uriOf: (p: string) => `file:///w/${p}`, versionOf: (p: string) => (p === 'open.txt' ? 7 : null) };
    const all = { documentChanges: true, create: true, rename: true };

    it('merges a file’s edits into one versioned document edit, creates in place, renames last', () => {
      const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      const changes: FileChange[] = [
        { kind: 'rename', from: 'old.txt', to: 'new.txt' },
        { kind: 'edit', path: 'open.txt', edits: [{ range: r, newText: 'a' }] },
        { kind: 'create', path: 'made.txt', text: 'hello\n' },
        { kind: 'edit', path: 'open.txt', edits: [{ range: r, newText: 'b' }] },
        { kind: 'edit', path: 'closed.txt', edits: [{ range: r, newText: 'c' }] },
      ];
      const edit = toWorkspaceEdit(changes, target, all)!;
      assert.deepEqual(edit.documentChanges, [
        { textDocument: { uri: 'file:///w/open.txt', version: 7 }, edits: [{ range: r, newText: 'a' }, { range: r, newText: 'b' }] },
        { kind: 'create', uri: 'file:///w/made.txt', options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri: 'file:///w/made.txt', version: null }, edits: [{ range: r, newText: 'hello\n' }] },
        { textDocument: { uri: 'file:///w/closed.txt', version: null }, edits: [{ range: r, newText: 'c' }] },
        { kind: 'rename', oldUri: 'file:///w/old.txt', newUri: 'file:///w/new.txt', options: { overwrite: false, ignoreIfExists: false } },
      ]);
    });

    it('folds the edits of a file the fixes create into its text; an edit several fixes make goes in once', () => {
      // Two secrets' fixes: each creates secrets.env empty and appends its line, and both add the
      // same entry to the compose file. Before, Fix all took the first and skipped the other.
      const at = { line: 0, character: 0 };
      const r = { start: at, end: at };
      const entry = {
        range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } },
        newText: '      - secrets.env\n',
      };
      const secret = (line: string): FileChange[] => [
        { kind: 'create', path: 'secrets.env', text: '' },
        { kind: 'edit', path: 'secrets.env', edits: [{ range: r, newText: line, append: { lead: '' } }] },
        { kind: 'edit', path: 'docker-compose.yml', edits: [entry] },
      ];
      const edit = toWorkspaceEdit([...secret('A=1\n'), ...secret('B=2\n')], target, all)!;
      assert.deepEqual(edit.documentChanges, [
        { kind: 'create', uri: 'file:///w/secrets.env', options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri: 'file:///w/secrets.env', version: null }, edits: [{ range: r, newText: 'A=1\nB=2\n' }] },
        { textDocument: { uri: 'file:///w/docker-compose.yml', version: null }, edits: [entry] },
      ]);
    });

    it('gives nothing a client cannot apply', () => {
      const create: FileChange[] = [{ kind: 'create', path: 'x', text: '' }];
      assert.equal(toWorkspaceEdit(create, target, { documentChanges: true, create: false, rename: true }), undefined);
      assert.equal(toWorkspaceEdit(create, target, { documentChanges: false, create: true, rename: true }), undefined);
    });
  });

  describe('overlay file system', () => {
    it('reads open documents first, lists unsaved new ones, and moves its generation with the file set', () => {
      const disk = new MemoryFileSystem({ 'Dockerfile': 'FROM a\n', 'docker-compose.yml': 'services: {}\n' });
      const overlay = new OverlayFileSystem(disk);
      const g0 = overlay.generation;
      overlay.setDocument('Dockerfile', 'FROM b\n');
      assert.equal(overlay.readFile('Dockerfile'), 'FROM b\n');
      assert.equal(overlay.generation, g0, 'editing an existing file does not change the file set');
      overlay.setDocument('docker/Dockerfile.new', 'FROM c\n');
      assert.notEqual(overlay.generation, g0);
      assert.deepEqual(overlay.listFiles(), ['docker-compose.yml', 'docker/Dockerfile.new', 'Dockerfile'].sort());
      assert.equal(overlay.stat('docker/Dockerfile.new'), 'file');
      // Before, undefined: a build context whose only files are unsaved documents was reported missing.
      overlay.setDocument('services/api/Dockerfile', 'FROM c\n');
      assert.equal(overlay.stat('services/api'), 'directory');
      assert.equal(overlay.stat('services'), 'directory');
      assert.equal(overlay.stat('services/ap'), undefined);
      overlay.closeDocument('Dockerfile');
      assert.equal(overlay.readFile('Dockerfile'), 'FROM a\n');
      const g1 = overlay.generation;
      disk.write('compose.yaml', 'services: {}\n');
      assert.notEqual(overlay.generation, g1);
      assert.ok(overlay.listFiles().includes('compose.yaml'));
    });

    it('leaves out open documents where the disk walk never goes, edited or new, unless a compose file reaches them', () => {
      // Before, a Dockerfile opened in .venv was listed, or loaded once edited: legacy-dockerfile on it.
      const root = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'dm-overlay-'));
      try {
        fs.mkdirSync(nodePath.join(root, '.venv', 'pkg'), { recursive: true });
        fs.writeFileSync(nodePath.join(root, '.venv', 'pkg', 'Dockerfile'), 'FROM python:3.9\n');
        fs.mkdirSync(nodePath.join(root, 'vendor'));
        fs.writeFileSync(nodePath.join(root, 'vendor', 'shared.env'), 'A=1\n');
        const compose = 'services:\n  web:\n    image: nginx\n    env_file: vendor/shared.env\n';
        fs.writeFileSync(nodePath.join(root, 'docker-compose.yml'), compose);
        const overlay = new OverlayFileSystem(new NodeFileSystem(root));
        const analyzer = new Analyzer(overlay);
        const files = () => [...analyzer.analyze().files].sort();
        const before = files();
        assert.deepEqual(before, ['docker-compose.yml', 'vendor/shared.env']);
        overlay.setDocument('.venv/pkg/Dockerfile', 'FROM python:3.9\n');
        overlay.setDocument('node_modules/x/Dockerfile', 'FROM node:20\n');
        assert.deepEqual(files(), before);
        overlay.setDocument('.venv/pkg/Dockerfile', 'FROM python:3.9\nRUN pip install flask\n');
        assert.deepEqual(files(), before);
        assert.deepEqual(overlay.listFiles(), ['docker-compose.yml']);
        // Reached by reference, an open document there is read as edited.
        overlay.setDocument('vendor/shared.env', 'A=2\n');
        const result = analyzer.analyze();
        assert.equal(result.project.file('vendor/shared.env')?.text, 'A=2\n');
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });

  describe('settings', () => {
    it('keeps only well-formed values and layers them over the config file', () => {
      const s = normalizeSettings({ enable: 'yes', rules: { a: 'off', b: 'loud', c: 'error' }, baseImage: ' ', sharedEnvFile: 'shared.env', exclude: ['legacy/**', 3] });
      assert.deepEqual(s, { enable: true, rules: { a: 'off', c: 'error' }, baseImage: null, sharedEnvFile: 'shared.env', exclude: ['legacy/**'] });
      const { overrides, unknownRules } = settingsToOverrides(s, ['vendor/**'], new Set(['a']));
      assert.deepEqual(overrides, { rules: { a: 'off' }, sharedEnvFile: 'shared.env', exclude: ['vendor/**', 'legacy/**'] });
      assert.deepEqual(unknownRules, ['c']);
      assert.deepEqual(settingsToOverrides(normalizeSettings(undefined), ['vendor/**'], new Set()).overrides, {});
    });
  });

  describe('file watchers', () => {
    /** A VS Code glob's `{a,b}` alternatives expanded (one level, as WATCHED_GLOBS writes them). */
    const expand = (glob: string): string[] => {
      const m = /\{([^{}]*)\}/.exec(glob);
      return m ? m[1]!.split(',').flatMap((alt) => expand(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length))) : [glob];
    };
    const watched = WATCHED_GLOBS.flatMap(expand).map((g) => new RegExp(`^${globPattern(g)}$`));

    it('watch every file the engine reads, so that a change on disk is seen', () => {
      // Before, a change to .gitlab-ci.yml, a Jenkinsfile or .circleci/config.yml on disk was never seen by the
      // server (the engine reads them, no watcher asked for them), nor a devcontainer.json at all.
      const read = [
        'services/api/Dockerfile',
        'docker/web.Dockerfile',
        'deploy/docker-compose.prod.yml',
        '.env.docker',
        'secrets.env',
        'Makefile',
        'tools/build.mk',
        'justfile',
        'scripts/build.sh',
        'docker-bake.hcl',
        'docker-bake.json',
        '.github/workflows/images.yml',
        '.gitlab-ci.yml',
        'Jenkinsfile',
        'azure-pipelines.yml',
        'bitbucket-pipelines.yml',
        '.circleci/config.yml',
        'cloudbuild.yaml',
        'fly.toml',
        'deploy/heroku.yml',
        'skaffold.yaml',
        'Tiltfile',
        '.devcontainer/devcontainer.json',
        '.gitignore',
        'docs/DOCKER_MODULARIZATION_ROADMAP.md',
        'requirements.txt',
        'requirements-dev.in',
        'constraints.txt',
        'requirements/base.txt',
        'scripts/entrypoints/docker-entrypoint',
      ];
      for (const path of read) {
        assert.ok(classifyPath(path, { entrypointsDir: 'scripts/entrypoints' }), `the engine reads ${path}`);
        assert.ok(watched.some((re) => re.test(path)), `${path} is watched`);
      }
      // Read apart from the project's files.
      assert.ok(watched.some((re) => re.test('.docker-modularity.yaml')));
    });
  });

  describe('restart budget', () => {
    it('allows a few restarts within the window, then gives up; old crashes age out', () => {
      const budget = new RestartBudget(2, 1000);
      assert.equal(budget.crashed(0), true);
      assert.equal(budget.crashed(10), true);
      assert.equal(budget.crashed(20), false);
      assert.equal(budget.crashed(1015), true, 'the first two crashes are older than the window');
      budget.reset();
      assert.equal(budget.crashed(1016), true);
    });
  });
});
