import { strict as assert } from 'node:assert';
import { Analyzer } from '../../server/src/engine/analyzer';
import { toRoadmapStatus } from '../../server/src/lsp/roadmapStatus';
import { Commands, type RoadmapFinding, type RoadmapStatus } from '../../server/src/protocol';
import {
  childNodes,
  describeNode,
  failingItems,
  FINDING_CONTEXT,
  FIXABLE_FINDING_CONTEXT,
  rootNodes,
  statusBarDescriptor,
  type RoadmapNode,
} from '../../client/src/roadmapTree';
import { EXAMPLE, loadFolder } from '../loadFolder';

const FOLDER = 'file:///work/shop';

function finding(over: Partial<RoadmapFinding> = {}): RoadmapFinding {
  return {
    ruleId: 'install-outside-base',
    message: 'Unexpected apt-get install of "curl" outside the base image; install it in Dockerfile.base.',
    severity: 'warning',
    uri: `${FOLDER}/docker/Dockerfile.web`,
    path: 'docker/Dockerfile.web',
    range: { start: { line: 3, character: 4 }, end: { line: 3, character: 30 } },
    fixable: true,
    ...over,
  };
}

/** A folder with one section of every kind of item: fail (two findings), pass, not applicable, not checked, manual. */
function status(over: Partial<RoadmapStatus> = {}): RoadmapStatus {
  return {
    folder: FOLDER,
    name: 'shop',
    files: 6,
    findings: [],
    totals: { passed: 7, checkable: 10, errors: 0, warnings: 3 },
    sections: [
      {
        number: 1,
        title: 'Shared base image',
        passed: 1,
        checkable: 2,
        items: [
          {
            id: 'base-only-installs',
            title: 'Only the base Dockerfile installs system dependencies and requirements',
            state: 'fail',
            count: 2,
            detail: 'Checked package installs in service images (install-outside-base).',
            findings: [
              finding(),
              finding({
                ruleId: 'service-not-from-base',
                severity: 'error',
                fixable: false,
                range: { start: { line: 0, character: 0 }, end: { line: 0, character: 20 } },
              }),
            ],
          },
          {
            id: 'services-from-base',
            title: 'Service Dockerfiles are built FROM the base image',
            state: 'pass',
            count: 0,
            detail: 'Checked each final stage.',
            findings: [],
          },
          {
            id: 'legacy-dockerfiles',
            title: 'Legacy or unused Dockerfiles are archived',
            state: 'na',
            count: 0,
            detail: 'Not applicable: nothing in this workspace for it to check.',
            findings: [],
          },
          {
            id: 'dockerfiles-minimal',
            title: 'All Dockerfiles are modular, minimal and follow best practices',
            state: 'na',
            count: 0,
            detail: 'Not checked: docker-compose.yml does not parse; checked again once it does.',
            findings: [],
          },
        ],
      },
      {
        number: 9,
        title: 'Documentation, automation and scripts',
        passed: 0,
        checkable: 0,
        items: [
          {
            id: 'scripts-reviewed',
            title: 'Shell scripts are modular',
            state: 'manual',
            count: 0,
            detail: 'Manual: script quality is reviewed by people.',
            findings: [],
          },
        ],
      },
    ],
    ...over,
  };
}

describe('roadmap tree (status → tree items, without VS Code)', () => {
  it('shows the sections of a single folder at the top, with "n of m"', () => {
    const roots = rootNodes([status()]);
    assert.deepEqual(
      roots.map((n) => n.kind),
      ['section', 'section'],
    );
    const s1 = describeNode(roots[0]!);
    assert.equal(s1.label, '1. Shared base image');
    assert.equal(s1.description, '1 of 2');
    assert.equal(s1.collapsible, 'expanded');
    assert.equal(s1.id, `${FOLDER}#section-1`);
    const s9 = describeNode(roots[1]!);
    assert.equal(s9.description, '0 of 0');
    assert.match(s9.tooltip!, /nothing here can be checked/);
  });

  it('gives each item state its theme icon, colour, description and the detail as tooltip', () => {
    const items = childNodes(rootNodes([status()])[0]!).map(describeNode);
    assert.deepEqual(
      items.map((d) => [d.icon?.id, d.icon?.color, d.description, d.collapsible]),
      [
        ['error', 'testing.iconFailed', '2 findings', 'collapsed'],
        ['pass', 'testing.iconPassed', undefined, 'none'],
        ['circle-slash', 'disabledForeground', 'not applicable', 'none'],
        ['circle-slash', 'disabledForeground', 'not checked', 'none'],
      ],
    );
    assert.equal(
      items[0]!.tooltip,
      'Checked package installs in service images (install-outside-base).\n2 findings: 1 install-outside-base, 1 service-not-from-base',
    );
    assert.equal(items[1]!.tooltip, 'Checked each final stage.');
    assert.equal(items[2]!.tooltip, 'Not applicable: nothing in this workspace for it to check.');
    assert.equal(items[3]!.tooltip, 'Not checked: docker-compose.yml does not parse; checked again once it does.');
    const manual = describeNode(childNodes(rootNodes([status()])[1]!)[0]!);
    assert.deepEqual(
      [manual.icon?.id, manual.description, manual.tooltip],
      ['person', 'manual', 'Manual: script quality is reviewed by people.'],
    );
  });

  it('shows an item failed by what is missing, with no findings, as not done and says why', () => {
    // Before, "0 findings" on a red item, and a tooltip with an empty list of rules.
    const detail =
      'Not done: no base Dockerfile: 2 service Dockerfiles (web/Dockerfile, worker/Dockerfile) and nothing in the workspace builds a shared base image for them.';
    const s = status();
    s.sections[0]!.items[1] = { ...s.sections[0]!.items[1]!, state: 'fail', count: 0, detail };
    const item = describeNode(childNodes(rootNodes([s])[0]!)[1]!);
    assert.deepEqual([item.icon?.id, item.description, item.tooltip, item.collapsible], ['error', 'not done', detail, 'none']);
  });

  it('expands a failing item to its findings, which open the file at their range and offer the fix when fixable', () => {
    const failing = childNodes(rootNodes([status()])[0]!)[0]!;
    const findings = childNodes(failing);
    assert.equal(findings.length, 2);
    const [fixable, plain] = findings.map(describeNode);
    assert.equal(fixable!.label, finding().message);
    assert.equal(fixable!.description, 'docker/Dockerfile.web:4');
    assert.deepEqual(fixable!.icon, { id: 'warning', color: 'problemsWarningIcon.foreground' });
    assert.equal(fixable!.contextValue, FIXABLE_FINDING_CONTEXT);
    assert.deepEqual(fixable!.command, {
      command: Commands.openRoadmapFinding,
      title: 'Open finding',
      arguments: [finding().uri, finding().range],
    });
    assert.match(
      fixable!.tooltip!,
      /^install-outside-base \(warning\): .*\ndocker\/Dockerfile\.web:4:5\nA quick fix is available\.$/,
    );
    assert.equal(plain!.contextValue, FINDING_CONTEXT);
    assert.deepEqual(plain!.icon, { id: 'error', color: 'problemsErrorIcon.foreground' });
    assert.notEqual(fixable!.id, plain!.id);
    // Passing, not applicable and manual items have no children.
    for (const n of childNodes(rootNodes([status()])[0]!).slice(1)) {
      assert.deepEqual(childNodes(n), []);
    }
  });

  it('keeps ids stable across updates, so expanded items stay expanded', () => {
    const ids = (s: RoadmapStatus): string[] => {
      const out: string[] = [];
      const walk = (n: RoadmapNode): void => {
        out.push(describeNode(n).id);
        childNodes(n).forEach(walk);
      };
      rootNodes([s]).forEach(walk);
      return out;
    };
    assert.deepEqual(ids(status()), ids(JSON.parse(JSON.stringify(status())) as RoadmapStatus));
    assert.equal(new Set(ids(status())).size, ids(status()).length, 'ids are unique');
  });

  it('gives every row a unique id in multi-root trees, stable across refreshes, whatever the rows are', () => {
    // Before, two folders turned off (or both still analysing) each had a row with the id
    // `message:<text>`: VS Code refused the second ("Element with id … is already registered").
    const off = (folder: string, name: string) =>
      status({ folder, name, sections: [], totals: { passed: 0, checkable: 0, errors: 0, warnings: 0 }, disabled: true });
    const analysing = (folder: string, name: string) => status({ folder, name, sections: [] });
    const ids = (statuses: RoadmapStatus[]): string[] => {
      const out: string[] = [];
      const walk = (n: RoadmapNode): void => {
        out.push(describeNode(n).id);
        childNodes(n).forEach(walk);
      };
      rootNodes(statuses, 'running', true).forEach(walk);
      return out;
    };
    const trees: RoadmapStatus[][] = [
      [off('file:///a', 'a'), off('file:///b', 'b')],
      [analysing('file:///a', 'a'), analysing('file:///b', 'b')],
      // Every kind of row: folders, sections, items, findings, a config error, the messages of folders off and analysing.
      [
        status(),
        status({
          folder: 'file:///work/api',
          name: 'api',
          configError: '.docker-modularity.json: "colour" is not a known setting',
          configErrorLocation: { uri: 'file:///work/api/.docker-modularity.json', range: finding().range },
        }),
        off('file:///work/off1', 'off1'),
        off('file:///work/off2', 'off2'),
        analysing('file:///work/new1', 'new1'),
        analysing('file:///work/new2', 'new2'),
      ],
    ];
    for (const tree of trees) {
      const all = ids(tree);
      const repeated = all.filter((id, i) => all.indexOf(id) !== i);
      assert.deepEqual(repeated, [], `ids given twice in ${tree.map((s) => s.folder).join(', ')}`);
      assert.deepEqual(ids(JSON.parse(JSON.stringify(tree)) as RoadmapStatus[]), all, 'ids change on refresh');
    }
  });

  it('shows a config file that is not used as a row that opens it at the error, in the folder it belongs to', () => {
    // Before, the status's configError was never shown: the folder was checked as if it had no
    // config file, and the view said nothing.
    const configError = '.docker-modularity.json: "colour" is not a known setting';
    const at = { start: { line: 2, character: 2 }, end: { line: 2, character: 10 } };
    const broken = status({
      configError,
      configErrorLocation: { uri: `${FOLDER}/.docker-modularity.json`, range: at },
    });
    const roots = rootNodes([broken]);
    assert.deepEqual(
      roots.map((n) => n.kind),
      ['configError', 'section', 'section'],
    );
    const row = describeNode(roots[0]!);
    assert.equal(row.label, configError);
    assert.equal(row.description, 'config file not used');
    assert.deepEqual(row.icon, { id: 'error', color: 'problemsErrorIcon.foreground' });
    assert.match(row.tooltip!, /checked as if there were no config file/);
    assert.deepEqual(row.command, {
      command: Commands.openRoadmapFinding,
      title: 'Open the config file',
      arguments: [`${FOLDER}/.docker-modularity.json`, at],
    });
    assert.equal(row.collapsible, 'none');
    assert.deepEqual(childNodes(roots[0]!), []);
    // Multi-root: under its folder, whose tooltip says so too; the other folder has none.
    const two = rootNodes([broken, status({ folder: 'file:///work/api', name: 'api' })]);
    assert.deepEqual(
      childNodes(two[0]!).map((n) => n.kind),
      ['configError', 'section', 'section'],
    );
    assert.deepEqual(
      childNodes(two[1]!).map((n) => n.kind),
      ['section', 'section'],
    );
    assert.match(describeNode(two[0]!).tooltip!, /"colour" is not a known setting/);
    assert.notEqual(describeNode(childNodes(two[0]!)[0]!).id, describeNode(two[0]!).id);
    // And the status bar's tooltip.
    assert.match(statusBarDescriptor([broken])!.tooltip, /"colour" is not a known setting/);
    // Without a location (a client ahead of its server), the row opens nothing.
    assert.equal(describeNode(rootNodes([status({ configError })])[0]!).command, undefined);
  });

  it('shows one node per folder in a multi-root workspace, and a message before any analysis', () => {
    const two = rootNodes([
      status(),
      status({ folder: 'file:///work/api', name: 'api', totals: { passed: 2, checkable: 4, errors: 1, warnings: 0 } }),
    ]);
    assert.deepEqual(
      two.map((n) => n.kind),
      ['folder', 'folder'],
    );
    assert.deepEqual(
      two.map((n) => [describeNode(n).label, describeNode(n).description]),
      [
        ['shop', '7 of 10'],
        ['api', '2 of 4'],
      ],
    );
    assert.equal(childNodes(two[1]!).length, 2);
    // No folder open: no rows, so that the view's welcome text shows (roadmapManifest.test.ts).
    assert.deepEqual(rootNodes([]), []);
    assert.deepEqual(
      rootNodes([status({ sections: [] })]).map((n) => n.kind),
      ['message'],
    );
  });

  it('says when checking is turned off for a folder, in the tree and the status bar, rather than "Analysing…"', () => {
    const off = status({ sections: [], totals: { passed: 0, checkable: 0, errors: 0, warnings: 0 }, disabled: true });
    assert.deepEqual(
      rootNodes([off]).map((n) => describeNode(n).label),
      ['Checking is turned off for this folder (dockerModularity.enable).'],
    );
    const bar = statusBarDescriptor([off]);
    assert.equal(bar?.text, '$(checklist) Roadmap off');
    assert.match(bar.tooltip, /turned off \(dockerModularity\.enable\) for this folder/);
    // Multi-root: the folder that is off says so; the other one still shows its sections and counts.
    const two = rootNodes([status(), { ...off, folder: 'file:///work/api', name: 'api' }]);
    assert.deepEqual(
      two.map((n) => [describeNode(n).label, describeNode(n).description]),
      [
        ['shop', '7 of 10'],
        ['api', 'off'],
      ],
    );
    assert.deepEqual(
      childNodes(two[1]!).map((n) => describeNode(n).label),
      ['Checking is turned off for this folder (dockerModularity.enable).'],
    );
    const mixed = statusBarDescriptor([status(), { ...off, folder: 'file:///work/api', name: 'api' }])!;
    assert.equal(mixed.text, '$(checklist) Roadmap 7/10 $(warning) 3');
    assert.match(mixed.tooltip, /turned off for 1 folder/);
  });

  it('counts a workspace folder nested in another as its own, since the outer one leaves its files out', () => {
    // The server lists a file's findings in the innermost folder's status only (before, the outer
    // one's listed them too, and the status bar counted the outer folder alone to make up for it,
    // while the badge counted both).
    const outer = status({ totals: { passed: 7, checkable: 10, errors: 1, warnings: 3 } });
    const inner = status({ folder: `${FOLDER}/api`, name: 'api', totals: { passed: 5, checkable: 8, errors: 8, warnings: 1 } });
    assert.equal(statusBarDescriptor([outer, inner])?.text, '$(checklist) Roadmap 12/18 $(error) 9');
    // As side by side.
    const other = { ...inner, folder: 'file:///elsewhere/api' };
    assert.equal(statusBarDescriptor([outer, other])?.text, statusBarDescriptor([outer, inner])?.text);
    assert.equal(failingItems([outer, inner]), 2);
  });

  it('says the server stopped, with rows that restart it or show its output, instead of "no folder"', () => {
    const stopped = rootNodes([], 'stopped').map(describeNode);
    assert.deepEqual(
      stopped.map((d) => [d.label, d.command?.command]),
      [
        ['The Docker Modularity server stopped; nothing is being checked.', undefined],
        ['Restart server', Commands.restartServer],
        ['Show output', Commands.showOutput],
      ],
    );
    assert.equal(new Set(stopped.map((d) => d.id)).size, 3, 'ids are unique');
    assert.equal(statusBarDescriptor([], 'stopped')?.text, '$(error) Roadmap: server stopped');
    assert.deepEqual(
      rootNodes([], 'starting').map((n) => describeNode(n).label),
      ['Starting the Docker Modularity server…'],
    );
  });

  it('says "Roadmap 7/10" in the status bar, with the errors or else the warnings that remain', () => {
    assert.deepEqual(statusBarDescriptor([status()]), {
      text: '$(checklist) Roadmap 7/10 $(warning) 3',
      tooltip: 'Docker roadmap: 7 of 10 checkable items pass; 0 errors and 3 warnings remain. Click to open the roadmap view.',
      backgroundColor: undefined,
    });
    const withErrors = statusBarDescriptor([
      status(),
      status({ folder: 'file:///work/api', totals: { passed: 2, checkable: 4, errors: 1, warnings: 0 } }),
    ])!;
    assert.equal(withErrors.text, '$(checklist) Roadmap 9/14 $(error) 1');
    assert.equal(withErrors.backgroundColor, 'statusBarItem.errorBackground');
    assert.equal(
      statusBarDescriptor([status({ totals: { passed: 10, checkable: 10, errors: 0, warnings: 0 } })])!.text,
      '$(checklist) Roadmap 10/10',
    );
    assert.equal(statusBarDescriptor([]), undefined);
    assert.equal(failingItems([status(), status()]), 2);
  });

  it('renders the server’s status of the example workspace: ten sections, every failing item expandable', () => {
    const result = new Analyzer(loadFolder(EXAMPLE)).analyze();
    const s = toRoadmapStatus(FOLDER, 'smarthr360', result, (p) => `${FOLDER}/${p}`);
    const sections = rootNodes([JSON.parse(JSON.stringify(s)) as RoadmapStatus]);
    assert.deepEqual(
      sections.map((n) => describeNode(n).label.split('.')[0]),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    );
    const items = sections.flatMap(childNodes);
    assert.equal(
      items.length,
      s.sections.reduce((n, sec) => n + sec.items.length, 0),
    );
    for (const item of items) {
      const d = describeNode(item);
      const kids = childNodes(item);
      if (item.kind === 'item' && item.item.state === 'fail') {
        assert.equal(d.collapsible, 'collapsed');
        assert.equal(kids.length, item.item.count);
        assert.equal(d.description, `${item.item.count} finding${item.item.count === 1 ? '' : 's'}`);
        assert.ok(kids.every((k) => describeNode(k).command?.command === Commands.openRoadmapFinding));
      } else {
        assert.equal(kids.length, 0);
      }
    }
    assert.equal(
      statusBarDescriptor([s])!.text.startsWith(`$(checklist) Roadmap ${s.totals.passed}/${s.totals.checkable}`),
      true,
    );
  });
});
