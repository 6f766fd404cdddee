import { defineRule } from '../../rule';
import { dirname, joinPath } from '../../paths';
import type { Range } from '../../text';
import { listNames, projectsOf } from './composeHelpers';
import { nearestName } from '../../names';

interface Reference {
  name: string;
  range: Range;
  where: string;
  /** The services the name may refer to. */
  known: Set<string>;
}

export const unknownServiceReference = defineRule({
  id: 'unknown-service-reference',
  meta: {
    section: 6,
    description: 'depends_on, links, volumes_from, extends and network_mode: service: name services that exist.',
    defaultSeverity: 'error',
    fixable: false,
  },
  messages: {
    unknown: 'Unexpected reference to "{{name}}" in {{where}}: no service of that name exists.',
    unknownDidYouMean: 'Unexpected reference to "{{name}}" in {{where}}: no service of that name exists (did you mean "{{suggestion}}"?).',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const projects = projectsOf(project, file);
      if (projects.length === 0) {
        // A file only reached through `extends: file:` is checked where it is used.
        return;
      }
      const known = new Set(projects.flatMap((p) => [...p.services.values()].map((s) => s.name)));
      const refs = new Map<string, Reference & { users: string[] }>();
      const add = (name: string, range: Range, where: string, user: string, names: Set<string>): void => {
        if (names.has(name) || /\$/.test(name)) {
          return;
        }
        const key = `${range.start.line}:${range.start.character}|${where}`;
        const r = refs.get(key) ?? { name, range, where, known: names, users: [] };
        if (!r.users.includes(user)) {
          r.users.push(user);
        }
        refs.set(key, r);
      };
      for (const def of file.services) {
        for (const d of def.dependsOn) {
          add(d.value, d.range, 'depends_on', def.name, known);
        }
        for (const v of def.volumesFrom) {
          add(v.value, v.range, 'volumes_from', def.name, known);
        }
        for (const l of def.links) {
          // `db:database`: the service is the part before the alias.
          const start = file.lines.offsetAt(l.range.start);
          const at = start + (file.text[start] === '"' || file.text[start] === "'" ? 1 : 0);
          const exact = file.text.slice(at, at + l.value.length) === l.value;
          add(l.value, exact ? file.lines.rangeOf(at, at + l.value.length) : l.range, 'links', def.name, known);
        }
        if (def.extends) {
          const { service, file: other } = def.extends;
          let names = new Set(file.services.map((s) => s.name));
          if (other) {
            const target = project.file(joinPath(dirname(file.path), other.value));
            if (target?.kind !== 'compose') {
              continue;
            }
            names = new Set(target.services.map((s) => s.name));
          }
          add(service.value, service.range, 'extends', def.name, names);
        }
        const mode = def.networkMode;
        if (mode && mode.value.startsWith('service:')) {
          const name = mode.value.slice('service:'.length);
          const start = file.lines.offsetAt(mode.range.start);
          const quote = file.text[start] === '"' || file.text[start] === "'" ? 1 : 0;
          const at = start + quote + 'service:'.length;
          const exact = file.text.slice(at, at + name.length) === name;
          add(name, exact ? file.lines.rangeOf(at, at + name.length) : mode.range, 'network_mode', def.name, known);
        }
      }
      for (const r of refs.values()) {
        const suggestion = nearestName(r.name, r.known);
        const where = r.users.length === 1 ? `${r.users[0]}'s ${r.where}` : `the ${r.where} of ${listNames(r.users)}`;
        context.report({
          messageId: suggestion ? 'unknownDidYouMean' : 'unknown',
          data: { name: r.name, where, suggestion: suggestion ?? '' },
          range: r.range,
        });
      }
    },
  },
});
