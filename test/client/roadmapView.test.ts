import { recorded } from './vscodeStub';
import { strict as assert } from 'node:assert';
import { RoadmapView } from '../../client/src/roadmapView';
import { Commands, type RoadmapStatus } from '../../server/src/protocol';

/** One folder, one section with one failing item: 1 of 2 passing, a warning. */
function status(folder: string, over: Partial<RoadmapStatus> = {}): RoadmapStatus {
  const item = {
    id: 'base-only-installs',
    title: 'Only the base installs',
    state: 'fail' as const,
    count: 0,
    detail: 'x',
    findings: [],
  };
  const section = { number: 1, title: 'Shared base image', passed: 1, checkable: 2, items: [item] };
  const totals = { passed: 1, checkable: 2, errors: 0, warnings: 1 };
  return { folder, name: folder.split('/').pop()!, files: 1, findings: [], totals, sections: [section], ...over };
}

describe('roadmap view (with a stub vscode module)', () => {
  let view: RoadmapView;

  beforeEach(() => {
    recorded.reset();
    view = new RoadmapView();
  });

  afterEach(() => view.dispose());

  const labels = (): string[] => view.getChildren().map((n) => String(view.getTreeItem(n).label));
  const bar = () => recorded.statusBars[0]!;

  it('says the server stopped, with Restart server and Show output rows, and drops the old statuses', () => {
    view.setServerState('running');
    view.update(status('file:///w/shop'));
    assert.ok(bar().visible);
    view.setServerState('stopped');
    assert.deepEqual(labels(), [
      'The Docker Modularity server stopped; nothing is being checked.',
      'Restart server',
      'Show output',
    ]);
    assert.deepEqual(
      view.getChildren().map((n) => view.getTreeItem(n).command?.command),
      [undefined, Commands.restartServer, Commands.showOutput],
    );
    assert.equal(recorded.treeViews[0]!.badge, undefined);
    assert.ok(bar().visible);
    assert.equal(bar().text, '$(error) Roadmap: server stopped');
    // Restarted: the server sends the statuses again.
    view.setServerState('starting');
    assert.deepEqual(labels(), ['Starting the Docker Modularity server…']);
    view.setServerState('running');
    view.update(status('file:///w/shop'));
    assert.deepEqual(labels(), ['1. Shared base image']);
    assert.equal(bar().text, '$(checklist) Roadmap 1/2 $(warning) 1');
  });

  it('keeps a removed folder out when a refresh asked before its removal answers', () => {
    // Before, replaceAll took every status the answer held: the removed folder came back.
    view.setServerState('running');
    view.update(status('file:///w/a'));
    view.update(status('file:///w/b'));
    view.changeFolders([], ['file:///w/b']);
    view.replaceAll([status('file:///w/a'), status('file:///w/b')]);
    assert.deepEqual(labels(), ['1. Shared base image']);
    assert.equal(bar().text, '$(checklist) Roadmap 1/2 $(warning) 1');
  });

  it('says the workspace is being analysed between the server starting and its first status', () => {
    // Before: "No workspace folder is being checked." while the first analysis ran.
    view.hasFolders = () => true;
    view.setServerState('running');
    assert.deepEqual(labels(), ['Analysing the workspace…']);
    // No folder open: no rows, and the view's welcome text says so.
    view.hasFolders = () => false;
    assert.deepEqual(labels(), []);
  });

  it('multi-root: a folder still analysing next to one turned off says so, and the roadmap is not "off"', () => {
    view.setServerState('running');
    view.update(status('file:///w/api', { sections: [], disabled: true }));
    view.update(status('file:///w/big', { sections: [] }));
    const nodes = view.getChildren();
    assert.deepEqual(
      nodes.map((n) => [String(view.getTreeItem(n).label), view.getTreeItem(n).description]),
      [
        ['api', 'off'],
        ['big', 'analysing…'],
      ],
    );
    assert.deepEqual(
      view.getChildren(nodes[1]!).map((n) => String(view.getTreeItem(n).label)),
      ['Analysing the workspace…'],
    );
    // Neither folder has counts yet, and not every folder is off: no status bar item.
    assert.equal(bar().visible, false, bar().text);
  });

  it('drops a removed workspace folder from the tree, status bar and badge at once, and its late statuses', () => {
    view.setServerState('running');
    view.update(status('file:///w/shop'));
    view.update(status('file:///w/api', { totals: { passed: 0, checkable: 2, errors: 1, warnings: 0 } }));
    assert.deepEqual(labels(), ['shop', 'api']);
    assert.deepEqual(recorded.treeViews[0]!.badge, { value: 2, tooltip: '2 roadmap items failing' });
    view.changeFolders([], ['file:///w/api']);
    assert.deepEqual(labels(), ['1. Shared base image']);
    assert.equal(bar().text, '$(checklist) Roadmap 1/2 $(warning) 1');
    assert.deepEqual(recorded.treeViews[0]!.badge, { value: 1, tooltip: '1 roadmap item failing' });
    // A notification sent before the server heard of the removal changes nothing.
    view.update(status('file:///w/api'));
    assert.deepEqual(labels(), ['1. Shared base image']);
    // Added back: its statuses count again.
    view.changeFolders(['file:///w/api'], []);
    view.update(status('file:///w/api'));
    assert.deepEqual(labels(), ['shop', 'api']);
  });
});
