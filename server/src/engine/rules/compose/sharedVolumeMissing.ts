import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { defineRule, type FixBuilder } from '../../rule';
import type { ComposeModel, ComposeServiceDef } from '../../parse/compose';
import { scalarString } from '../../parse/yamlUtil';
import type { Service, ServiceGroup } from '../../project';
import { appendToFlowMap, appendToMap, appendToSequence, columnOf, flowScalar } from '../../yamlEdit';
import { mountTaking } from './sharedVolumePathMismatch';

interface SharedMount {
  volume: string;
  target: string;
  users: Service[];
}

/** Named volumes that two or more members of a group mount, with the path most of them use. */
function sharedMounts(group: ServiceGroup): SharedMount[] {
  const byVolume = new Map<string, { users: Service[]; targets: Map<string, number> }>();
  for (const service of group.services) {
    for (const v of service.volumes) {
      if (v.type !== 'volume' || !v.source) {
        continue;
      }
      const entry = byVolume.get(v.source) ?? { users: [] as Service[], targets: new Map<string, number>() };
      // Services come one after the other: a second mount of the same volume is by the last user.
      if (entry.users[entry.users.length - 1] !== service) {
        entry.users.push(service);
      }
      entry.targets.set(v.target, (entry.targets.get(v.target) ?? 0) + 1);
      byVolume.set(v.source, entry);
    }
  }
  const out: SharedMount[] = [];
  for (const [volume, { users, targets }] of byVolume) {
    if (users.length < 2) {
      continue;
    }
    const target = [...targets.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    out.push({ volume, target, users });
  }
  return out;
}

function listNames(services: Service[]): string {
  const names = services.map((s) => s.name);
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export const sharedVolumeMissing = defineRule({
  id: 'shared-volume-missing',
  meta: {
    section: 2,
    description: 'Services built on the same base mount the shared volumes their siblings mount, at the same path.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    missing:
      'Expected {{service}} to mount the shared volume "{{volume}}" at {{target}}, as {{users}} do (they are built on the same base).',
    missingTaken:
      'Expected {{service}} to mount the shared volume "{{volume}}" at {{target}}, as {{users}} do (they are built on the same base); {{target}} is taken by {{mount}} in {{service}}.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const groups = project.composeProjectsOf(file).flatMap((p) => project.serviceGroupsOf(p));
      for (const group of groups) {
        for (const shared of sharedMounts(group)) {
          for (const service of group.services) {
            if (service.primary.path !== file.path || project.mountsOf(service).some((v) => v.source === shared.volume)) {
              continue;
            }
            const def = service.primary;
            // Volumes that arrive through a merge key (`<<: *with-logs`) have their key at the anchor,
            // which names no service and is shared: the finding is on the service's own name then.
            const range = def.volumesKey && ownsKey(def, 'volumes') ? def.volumesKey.keyRange : def.keyRange;
            // A second mount at a path the service already mounts something at: docker refuses the
            // container ("Duplicate mount point").
            const taken = mountTaking(project, file, service.name, shared.target, shared.volume);
            context.report({
              messageId: taken ? 'missingTaken' : 'missing',
              data: {
                service: service.name,
                volume: shared.volume,
                target: shared.target,
                users: listNames(shared.users),
                mount: taken ?? '',
              },
              range,
              fix: !taken && canAddMount(file, service) ? (fixer) => addMount(fixer, file, service, shared) : undefined,
            });
          }
        }
      }
    },
  },
});

/** Whether a service's map writes `key` itself, not through a merge key. */
function ownsKey(def: ComposeServiceDef, key: string): boolean {
  return def.node.items.some((p) => scalarString(p.key) === key);
}

/** A mount can be added unless the service's volumes arrive through an alias or merge key. */
function canAddMount(file: ComposeModel, service: Service): boolean {
  const key = service.primary.volumesKey;
  if (!key) {
    return isMap(service.primary.node) && service.primary.node.items.length > 0 && !!file.view;
  }
  const inOwnPairs = service.primary.node.items.some((p) => p.value === key.node);
  // An anchored list other services alias: they would all mount the volume.
  return inOwnPairs && isSeq(key.node) && key.node.items.length > 0 && !file.view?.isAliased(key.node);
}

function addMount(fixer: FixBuilder, file: ComposeModel, service: Service, shared: SharedMount): void {
  const lines = file.lines;
  const def = service.primary;
  fixer.setTitle(`Mount ${shared.volume} at ${shared.target} in ${service.name}`, true);
  const seq = def.volumesKey?.node;
  if (seq && isSeq(seq)) {
    const last = seq.items[seq.items.length - 1] as Node;
    let item = `${shared.volume}:${shared.target}`;
    if (seq.flow) {
      // `volumes: [a:/x]` or `volumes: [{type: volume, …}]`: the item is flow YAML too.
      item = isMap(last)
        ? `{type: volume, source: ${flowScalar(shared.volume)}, target: ${flowScalar(shared.target)}}`
        : flowScalar(item);
    } else if (isMap(last) && last.range) {
      const pad = ' '.repeat(columnOf(lines, last.range[0]));
      item = `type: volume${lines.eol}${pad}source: ${shared.volume}${lines.eol}${pad}target: ${shared.target}`;
    }
    const ins = appendToSequence(lines, seq, item);
    if (ins) {
      fixer.insert(file.path, ins.at, ins.text);
    }
    return;
  }
  // `celery_beat: {build: {…}}`: block lines after the flow map would not parse.
  const ins = def.node.flow
    ? appendToFlowMap(lines, def.node as YAMLMap, 'volumes', `[${flowScalar(`${shared.volume}:${shared.target}`)}]`)
    : appendToMap(lines, def.node, 'volumes', [`- ${shared.volume}:${shared.target}`]);
  if (ins) {
    fixer.insert(file.path, ins.at, ins.text);
  }
}
