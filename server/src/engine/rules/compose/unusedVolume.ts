import { isMap, isSeq, type Pair, type YAMLMap } from 'yaml';
import { defineRule } from '../../rule';
import type { ComposeModel, TopLevelEntry } from '../../parse/compose';
import type { ComposeProject, Project } from '../../project';
import { scalarString } from '../../parse/yamlUtil';
import { removeMapPair, type OffsetEdit } from '../../yamlEdit';
import { mountedVolumes, projectsOf } from './composeHelpers';
import { nearestName } from '../../names';

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
      if (file.volumes.length === 0) {
        return;
      }
      const projects = projectsMerging(context.project, file);
      if (projects.length === 0) {
        return;
      }
      const used = new Set<string>();
      /** The literal starts of sources whose variables are not known here: any volume they may name is used. */
      const unknownPrefixes: string[] = [];
      for (const p of projects) {
        for (const service of p.services.values()) {
          for (const v of service.volumes) {
            // `${PG_VOLUME:-pg_data}:/data`: the volume .env names and the one the default names.
            const { names, anyWithPrefix } = mountedVolumes(context.project, p, v);
            names.forEach((n) => used.add(n));
            if (anyWithPrefix !== undefined) {
              unknownPrefixes.push(anyWithPrefix);
            }
          }
          // A misspelt `volumez:` (compose-schema reports it) still says which volumes the service
          // means to mount: before, --fix removed the declaration of one, NFS options and all.
          service.defs.forEach((def) => misspeltMountSources(def.node).forEach((n) => used.add(n)));
        }
      }
      const unused = file.volumes.filter((v) => !used.has(v.name) && !unknownPrefixes.some((prefix) => v.name.startsWith(prefix)));
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

/** The sources a service's keys that are misspellings of `volumes` name (`volume:`, `volumez:`), short or long syntax. */
function misspeltMountSources(node: YAMLMap): string[] {
  const out: string[] = [];
  for (const pair of node.items) {
    const key = scalarString(pair.key);
    // The edit distance only for keys that may be one (it ran for every key of every service: 5%
    // of a check at 1,000 services).
    if (key === undefined || key === 'volumes' || !/^v/i.test(key) || !isSeq(pair.value) || nearestName(key, ['volumes']) !== 'volumes') {
      continue;
    }
    for (const item of pair.value.items) {
      const source = isMap(item) ? scalarString(item.get('source', true)) : scalarString(item);
      if (source !== undefined && source !== '') {
        out.push(source.split(':')[0]!);
      }
    }
  }
  return out;
}

/**
 * Every compose project that reads the file: its own, those that include it or read it as their
 * override, and those that read an overlay after it (`-f docker-compose.yml -f
 * docker-compose.prod.yml`), whose services mount the volumes the file declares.
 */
function projectsMerging(project: Project, file: ComposeModel): readonly ComposeProject[] {
  const own = projectsOf(project, file);
  const overlaid = project.overlayProjects.filter((p) => !own.includes(p) && p.files.includes(file));
  return overlaid.length === 0 ? own : [...own, ...overlaid];
}

/**
 * An entry whose removal would lose more than a name: an external volume (data that lives outside
 * the project) or one with its own `name:` (the volume docker knows it by).
 */
function keepsData(file: ComposeModel, entry: TopLevelEntry): boolean {
  const value = file.view?.resolve(entry.node.value)?.node;
  return entry.external || (isMap(value) && value.items.some((p) => scalarString(p.key) === 'name'));
}

/**
 * Removes the entry; when every entry of the file's `volumes:` is unused, the whole key goes (the
 * same edit from each finding, so fixing them all together applies it once). No edit for an entry
 * that {@link keepsData}.
 */
function removal(file: ComposeModel, entry: TopLevelEntry, unused: TopLevelEntry[]): (OffsetEdit & { title: string }) | undefined {
  const map = file.volumesKey?.node;
  if (!isMap(map) || !map.items.includes(entry.node as Pair<unknown, unknown>) || keepsData(file, entry)) {
    // Merged in from an anchor: removing it would change other maps too.
    return undefined;
  }
  const root = file.view?.doc.contents;
  if (unused.length === map.items.length && !unused.some((u) => keepsData(file, u)) && isMap(root)) {
    const pair = root.items.find((p) => p.value === map);
    const edit = pair && removeMapPair(file.lines, root, pair);
    if (edit) {
      return { ...edit, title: 'Remove the unused volumes' };
    }
  }
  const edit = removeMapPair(file.lines, map, entry.node as Pair<unknown, unknown>);
  return edit && { ...edit, title: `Remove the unused volume ${entry.name}` };
}
