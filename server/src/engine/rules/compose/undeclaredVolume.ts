import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { defineRule, type FixBuilder } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import { scalarString } from '../../parse/yamlUtil';
import { appendToFlowMap, appendToMap, appendUnderEmptyKey, flowScalar, type YamlInsert, applyYamlInsert, chainAppends } from '../../yamlEdit';
import { ByRange, listNames, projectsOf } from './composeHelpers';

export const undeclaredVolume = defineRule({
  id: 'undeclared-volume',
  meta: {
    section: 2,
    description: 'Every named volume a service mounts is declared under the top-level volumes: key.',
    defaultSeverity: 'error',
    fixable: true,
  },
  messages: {
    undeclared:
      'Expected the volume "{{volume}}" that {{services}} mount{{s}} to be declared under the top-level volumes: key; docker compose refuses to start without it.',
  },
  check: {
    compose(file, context) {
      const projects = projectsOf(context.project, file);
      const found = new ByRange<string>();
      for (const p of projects) {
        const declared = new Set(p.files.flatMap((f) => f.volumes.map((v) => v.name)));
        for (const service of p.services.values()) {
          for (const v of service.volumes) {
            // A source written with variables is their value (see Project's merge); one still with a
            // `$` has a variable not known here: it may name any volume, or a host path.
            if (v.def.path !== file.path || v.type !== 'volume' || !v.source || !v.sourceRange || /\$/.test(v.source)) {
              continue;
            }
            if (!declared.has(v.source)) {
              found.add(v.sourceRange, service, v.source);
            }
          }
        }
      }
      const entries = found.values();
      // Every finding offers the same edit, declaring every undeclared volume of the file at once:
      // fixes that each appended one entry at the same place could not be applied together.
      const names = [...new Set(entries.map((e) => e.item))];
      for (const e of entries) {
        context.report({
          messageId: 'undeclared',
          data: { volume: e.item, services: listNames(e.names), s: e.names.length === 1 ? 's' : '' },
          range: e.range,
          fix: canDeclare(file) ? (fixer) => declare(fixer, file, names) : undefined,
        });
      }
    },
  },
});

function canDeclare(file: ComposeModel): boolean {
  const root = file.view?.doc.contents;
  if (!isMap(root) || root.items.length === 0) {
    return false;
  }
  const node = file.volumesKey?.node;
  if (root.flow) {
    // `{services: {…}}`: only flow entries fit in it (an empty `volumes:` there has no line of its own).
    return !file.volumesKey || (isMap(node) && !!node.flow);
  }
  return !file.volumesKey || isMap(node) || node === null || (isScalar(node) && node.value === null);
}

/** The value written for a new entry: `{}` when the map's entries use it, else nothing (`name:`). */
function entryValueStyle(map: YAMLMap): 'empty' | 'braces' {
  const last = map.items[map.items.length - 1];
  return last && isMap(last.value) && last.value.flow && last.value.items.length === 0 ? 'braces' : 'empty';
}

function declare(fixer: FixBuilder, file: ComposeModel, names: string[]): void {
  const lines = file.lines;
  fixer.setTitle(names.length === 1 ? `Declare the volume ${names[0]}` : `Declare the volumes ${listNames(names)}`, true);
  const root = file.view!.doc.contents as YAMLMap;
  const key = file.volumesKey;
  const inserts: YamlInsert[] = [];
  if (!key && root.flow) {
    const ins = appendToFlowMap(lines, root, 'volumes', `{${names.map((n) => `${flowScalar(n)}: {}`).join(', ')}}`);
    if (ins) {
      inserts.push(ins);
    }
  } else if (!key) {
    const ins = appendToMap(lines, root, 'volumes', names.map((n) => `${n}:`));
    if (ins) {
      inserts.push(ins);
    }
  } else if (isMap(key.node) && key.node.flow) {
    // Each entry after the last item brings its own separator; in an empty `{}` the first has none.
    const empty = key.node.items.length === 0;
    let all: YamlInsert | undefined;
    for (const n of names) {
      const ins = appendToFlowMap(lines, key.node, n, '{}');
      if (ins) {
        all = !all ? ins : chainAppends(lines, all, empty ? { ...ins, text: `, ${ins.text}` } : ins);
      }
    }
    if (all) {
      inserts.push(all);
    }
  } else if (isMap(key.node) && key.node.items.length > 0) {
    const braces = entryValueStyle(key.node) === 'braces';
    for (const n of names) {
      const ins = appendToMap(lines, key.node, n, braces ? '{}' : []);
      if (ins) {
        inserts.push(ins);
      }
    }
  } else {
    const pair = root.items.find((p) => scalarString(p.key) === 'volumes');
    const ins = pair && appendUnderEmptyKey(lines, pair.key as Node, names.map((n) => `${n}:`));
    if (ins) {
      inserts.push(ins);
    }
  }
  for (const ins of inserts) {
    applyYamlInsert(fixer, file.path, ins);
  }
}
