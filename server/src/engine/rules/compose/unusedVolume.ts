import { isMap, type Pair } from 'yaml';
import { defineRule } from '../../rule';
import type { ComposeModel, TopLevelEntry } from '../../parse/compose';
import { removeMapPair, type OffsetEdit } from '../../yamlEdit';
import { projectsOf } from './composeHelpers';

export const unusedVolume = defineRule({
  id: 'unused-volume',
  meta: {
    section: 2,
    description: 'Every top-level named volume is mounted by at least one service.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    unused: 'Unexpected volume "{{volume}}": no service mounts it.',
  },
  check: {
    compose(file, context) {
      const projects = projectsOf(context.project, file);
      if (projects.length === 0 || file.volumes.length === 0) {
        return;
      }
      const used = new Set<string>();
      for (const p of projects) {
        for (const service of p.services.values()) {
          for (const v of service.volumes) {
            if (v.type === 'volume' && v.source) {
              used.add(v.source);
            }
          }
        }
      }
      const unused = file.volumes.filter((v) => !used.has(v.name));
      for (const entry of unused) {
        const edit = removal(file, entry, unused);
        context.report({
          messageId: 'unused',
          data: { volume: entry.name },
          range: entry.keyRange,
          fix: edit
            ? (fixer) => fixer.setTitle(edit.title, true).remove(file.path, file.lines.rangeOf(edit.start, edit.end))
            : undefined,
        });
      }
    },
  },
});

/**
 * Removes the entry; when every entry of the file's `volumes:` is unused, the whole key goes (the
 * same edit from each finding, so fixing them all together applies it once).
 */
function removal(file: ComposeModel, entry: TopLevelEntry, unused: TopLevelEntry[]): (OffsetEdit & { title: string }) | undefined {
  const map = file.volumesKey?.node;
  if (!isMap(map) || !map.items.includes(entry.node as Pair<unknown, unknown>)) {
    // Merged in from an anchor: removing it would change other maps too.
    return undefined;
  }
  const root = file.view?.doc.contents;
  if (unused.length === map.items.length && isMap(root)) {
    const pair = root.items.find((p) => p.value === map);
    const edit = pair && removeMapPair(file.lines, root, pair);
    if (edit) {
      return { ...edit, title: 'Remove the unused volumes' };
    }
  }
  const edit = removeMapPair(file.lines, map, entry.node as Pair<unknown, unknown>);
  return edit && { ...edit, title: `Remove the unused volume ${entry.name}` };
}
