import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXABLE_FINDING_CONTEXT, rootNodes } from '../../client/src/roadmapTree';
import { Commands, ROADMAP_CONTAINER_ID, ROADMAP_VIEW_ID } from '../../server/src/protocol';

const REPO = path.resolve(__dirname, '..', '..');

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  files: string[];
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    menus: Record<string, MenuEntry[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
  };
};

describe('extension manifest: the roadmap view', () => {
  it('puts the roadmap view in its own activity-bar container, whose icon ships in the package', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c) => c.id === ROADMAP_CONTAINER_ID);
    assert.ok(container, 'no activity-bar container');
    assert.equal(container.title, 'Docker Roadmap');
    assert.ok(fs.existsSync(path.join(REPO, container.icon)), `${container.icon} is missing`);
    assert.ok(pkg.files.includes(container.icon.split('/')[0]!), 'the icon folder is not in package.json files');
    const vscodeignore = fs.readFileSync(path.join(REPO, '.vscodeignore'), 'utf8').split('\n');
    assert.ok(vscodeignore.includes(`!${container.icon.split('/')[0]}/**`), '.vscodeignore leaves the icon out of the .vsix');
    assert.deepEqual(
      pkg.contributes.views[ROADMAP_CONTAINER_ID]!.map((v) => v.id),
      [ROADMAP_VIEW_ID],
    );
  });

  it('has a refresh title action, a quick-fix action on fixable findings only, and hides the tree-only commands', () => {
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const titles = pkg.contributes.menus['view/title']!.filter((m) => m.when === `view == ${ROADMAP_VIEW_ID}`);
    assert.ok(titles.some((m) => m.command === Commands.refreshRoadmap && m.group?.startsWith('navigation')));
    const context = pkg.contributes.menus['view/item/context']!;
    assert.ok(context.length > 0);
    for (const m of context) {
      assert.equal(m.command, Commands.fixRoadmapFinding);
      assert.equal(m.when, `view == ${ROADMAP_VIEW_ID} && viewItem == ${FIXABLE_FINDING_CONTEXT}`);
    }
    const hidden = pkg.contributes.menus
      .commandPalette!.filter((m) => m.when === 'false')
      .map((m) => m.command)
      .sort();
    assert.deepEqual(hidden, [Commands.fixRoadmapFinding, Commands.openRoadmapFinding].sort());
    for (const m of Object.values(pkg.contributes.menus).flat()) {
      assert.ok(contributed.has(m.command), `menu names uncontributed command ${m.command}`);
    }
    const inline = pkg.contributes.commands.filter((c) =>
      [Commands.refreshRoadmap, Commands.fixRoadmapFinding].includes(c.command as never),
    );
    assert.ok(
      inline.every((c) => c.icon?.startsWith('$(')),
      'title and inline actions need an icon',
    );
  });

  it('shows its welcome text exactly when the tree has no rows: no workspace folder open', () => {
    // Before, the tree always had a row ("No workspace folder is being checked."), so the welcome
    // text and its Refresh link could never appear.
    const welcome = pkg.contributes.viewsWelcome.filter((w) => w.view === ROADMAP_VIEW_ID);
    assert.equal(welcome.length, 1);
    assert.equal(welcome[0]!.when, 'workspaceFolderCount == 0');
    assert.deepEqual(rootNodes([], 'running', false), []);
    // Every other state has rows of its own, which say what is going on.
    assert.ok(rootNodes([], 'running', true).length > 0);
    assert.ok(rootNodes([], 'starting', false).length > 0);
    assert.ok(rootNodes([], 'stopped', false).length > 0);
    // Its links run commands that exist: the extension's, or VS Code's own.
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    const links = [...welcome[0]!.contents.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]!);
    assert.ok(links.length > 0);
    for (const command of links) {
      assert.ok(contributed.has(command) || ['vscode.openFolder'].includes(command), command);
    }
  });
});
