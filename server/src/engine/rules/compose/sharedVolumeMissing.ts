import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { defineRule, type FixBuilder } from '../../rule';
import type { ComposeModel, ComposeServiceDef } from '../../parse/compose';
import { scalarString } from '../../parse/yamlUtil';
import { mergedValueDropped, type Project, type Service, type ServiceGroup } from '../../project';
import {
  appendToFlowMap,
  appendToMap,
  appendToSequence,
  columnOf,
  detectIndentStep,
  flowScalar,
  usesFlushSequences,
  applyYamlInsert,
} from '../../yamlEdit';
import { isSuppressed, readSuppressions, type Suppressions } from '../../suppress';
import { rangeKey, type Range } from '../../text';
import { isTestOrJob, listNames, mountedVolumes } from './composeHelpers';
import { mountTaking } from './sharedVolumePathMismatch';

interface SharedMount {
  volume: string;
  target: string;
  /** Every member that mounts the volume, at whichever path. */
  users: Service[];
  /** The members that mount it at `target`: those the message names. */
  usersAtTarget: Service[];
  /** Every mount of the volume at that path is read-only (`:ro`): the mount a fix adds is too. */
  readOnly: boolean;
}

/** Named volumes that two or more members of a group mount, with the path most of them use. */
function sharedMounts(project: Project, group: ServiceGroup): SharedMount[] {
  const byVolume = new Map<
    string,
    { users: Service[]; targets: Map<string, { count: number; users: Service[] }>; writable: Set<string> }
  >();
  for (const service of group.services) {
    for (const v of service.volumes) {
      // A mount through a variable (`${MEDIA_VOLUME:-media}:/app/media`) shares the volume its
      // default names (what a checkout without .env mounts), else the one .env names.
      const source = (v.written ?? v.source)?.includes('$')
        ? mountedVolumes(project, service.project, v).names.at(-1)
        : v.type === 'volume'
          ? v.source
          : undefined;
      if (!source) {
        continue;
      }
      const entry = byVolume.get(source) ?? {
        users: [] as Service[],
        targets: new Map<string, { count: number; users: Service[] }>(),
        writable: new Set<string>(),
      };
      // Services come one after the other: a second mount of the same volume is by the last user.
      if (entry.users[entry.users.length - 1] !== service) {
        entry.users.push(service);
      }
      const at = entry.targets.get(v.target) ?? { count: 0, users: [] };
      at.count++;
      if (at.users[at.users.length - 1] !== service) {
        at.users.push(service);
      }
      entry.targets.set(v.target, at);
      if (!v.readOnly) {
        entry.writable.add(v.target);
      }
      byVolume.set(source, entry);
    }
  }
  const out: SharedMount[] = [];
  for (const [volume, { users, targets, writable }] of byVolume) {
    if (users.length < 2) {
      continue;
    }
    const [target, at] = [...targets.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))[0]!;
    out.push({ volume, target, users, usersAtTarget: at.users, readOnly: !writable.has(target) });
  }
  return out;
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
      'Expected {{service}} to mount the shared volume "{{volume}}" at {{target}}, as {{users}} {{do}} (they are built {{built}}).',
    missingTaken:
      'Expected {{service}} to mount the shared volume "{{volume}}" at {{target}}, as {{users}} {{do}} (they are built {{built}}); {{target}} is taken by {{mount}} in {{service}}.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const groups = project.composeProjectsOf(file).flatMap((p) => project.serviceGroupsOf(p));
      let suppressions: Suppressions | undefined;
      // A file read in several compose projects (run alone and after another file) gives a service in
      // each: one finding for the place and the mount it lacks, naming the siblings of every project.
      const found = new Map<string, { range: Range; lacking: { service: Service; shared: SharedMount }[] }>();
      for (const group of groups) {
        for (const shared of sharedMounts(project, group)) {
          for (const service of group.services) {
            if (
              service.primary.path !== file.path ||
              mountsVolume(project, service, shared.volume) ||
              // A test runner or a migration job is not expected to mount what the running services share.
              isTestOrJob(project, service)
            ) {
              continue;
            }
            const def = service.primary;
            // Volumes that arrive through a merge key (`<<: *with-logs`) have their key at the anchor,
            // which names no service and is shared: the finding is on the service's own name then.
            const range = def.volumesKey && ownsKey(def, 'volumes') ? def.volumesKey.keyRange : def.keyRange;
            // The finding is about the whole service: a suppression comment above its name covers it
            // too when it is shown on the service's `volumes:` key.
            suppressions ??= readSuppressions(file.text, file.lines);
            if (range !== def.keyRange && isSuppressed(suppressions, 'shared-volume-missing', def.keyRange.start.line)) {
              continue;
            }
            const key = `${rangeKey(range)}\0${shared.volume}\0${shared.target}`;
            const entry = found.get(key) ?? { range, lacking: [] };
            entry.lacking.push({ service, shared });
            found.set(key, entry);
          }
        }
      }
      for (const { range, lacking } of found.values()) {
        // The project with the most siblings first: its file order leads the names.
        lacking.sort((a, b) => b.shared.usersAtTarget.length - a.shared.usersAtTarget.length);
        const { service, shared } = lacking[0]!;
        // Only those that mount it at that path: one that mounts it elsewhere is no example.
        const usersAtTarget = lacking.flatMap((l) => l.shared.usersAtTarget);
        const users = [...new Set(usersAtTarget.map((s) => s.name))];
        // A second mount at a path the service already mounts something at: docker refuses the
        // container ("Duplicate mount point").
        const taken = mountTaking(project, file, service.name, shared.target, shared.volume);
        // Each project places the mount where its own files hold the siblings': a fix only where they agree.
        const place = (l: (typeof lacking)[number]): string => {
          const at = mountPlace(l.service, l.shared);
          return at ? `${at.file.path}\0${at.def?.name ?? ''}\0${l.shared.readOnly}` : '';
        };
        const agreed = lacking.every((l) => place(l) === place(lacking[0]!));
        context.report({
          messageId: taken ? 'missingTaken' : 'missing',
          data: {
            service: service.name,
            volume: shared.volume,
            target: shared.target,
            users: listNames(users),
            do: users.length === 1 ? 'does' : 'do',
            built: sameDockerfile(project, [...lacking.map((l) => l.service), ...usersAtTarget])
              ? 'from the same Dockerfile'
              : 'on the same base',
            mount: taken ?? '',
          },
          range,
          fix: taken || !agreed ? undefined : mountFix(service, shared),
        });
      }
    },
  },
});

/**
 * Whether a service mounts the volume, itself or through `volumes_from`: by its name, or through a
 * variable (`${ML_MODELS_VOLUME:-ml_models}`) whose value in .env or whose default names it, or
 * whose value is not known here.
 */
function mountsVolume(project: Project, service: Service, volume: string): boolean {
  return project.mountsOf(service).some((v) => {
    if (v.source === volume) {
      return true;
    }
    const { names, anyWithPrefix } = mountedVolumes(project, service.project, v);
    return names.includes(volume) || (anyWithPrefix !== undefined && volume.startsWith(anyWithPrefix));
  });
}

/** Whether the services all run images built from one Dockerfile (celery_worker and celery_beat). */
function sameDockerfile(project: Project, services: readonly Service[]): boolean {
  const dockerfiles = new Set(services.map((s) => project.runImage(s)?.dockerfile.path));
  return dockerfiles.size === 1 && !dockerfiles.has(undefined);
}

/** Whether a service's map writes `key` itself, not through a merge key. */
function ownsKey(def: ComposeServiceDef, key: string): boolean {
  return def.node.items.some((p) => scalarString(p.key) === key);
}

/**
 * Where the missing mount goes: the one file of the project that holds the siblings' mounts of the
 * volume, when compose reads a declaration of the volume with it (the main file, or the override
 * that adds a dev-only volume: a mount added to the main file would name a volume the main file
 * alone, as production and CI read it, does not declare). There the service's own definition gets
 * the mount; an override that does not name the service gets an entry for it. Undefined when the
 * mounts are spread over files, or the file is one compose does not read after the service's.
 */
function mountPlace(service: Service, shared: SharedMount): { file: ComposeModel; def?: ComposeServiceDef } | undefined {
  const files = service.project.files;
  const inProject = new Set(files.map((f) => f.path));
  // A mount from a file `extends: {file: …}` reads is the extending service's, in its own file.
  const paths = new Set(
    shared.users.flatMap((u) =>
      u.volumes
        // A mount through a variable is no place to copy: its name is the variable's value.
        .filter((v) => v.source === shared.volume && v.written === undefined)
        .map((v) => (inProject.has(v.def.path) ? v.def.path : u.primary.path)),
    ),
  );
  const at = paths.size === 1 ? files.findIndex((f) => paths.has(f.path)) : -1;
  const file = files[at];
  if (!file) {
    return undefined;
  }
  const declaredIn = files.flatMap((f, i) => (f.volumes.some((v) => v.name === shared.volume) ? [i] : []));
  if (declaredIn.length > 0 && !declaredIn.some((i) => i <= at)) {
    return undefined;
  }
  const def = file.services.find((d) => d.name === service.name);
  // An included file is read before the root and cannot name a service of another file.
  return def || at > files.indexOf(service.project.root) ? { file, def } : undefined;
}

function mountFix(service: Service, shared: SharedMount): ((fixer: FixBuilder) => void) | undefined {
  const place = mountPlace(service, shared);
  const view = place?.file.view;
  if (!place || !view) {
    return undefined;
  }
  const { file, def } = place;
  const title = `Mount ${shared.volume} at ${shared.target} in ${service.name}${file.path === service.primary.path ? '' : ` (${file.path})`}`;
  if (def) {
    // `volumes: !reset` / `!override` here or in a later file: a mount added here would not reach the service.
    if (mergedValueDropped(service, def, 'volumesKey')) {
      return undefined;
    }
    return canAddMount(file, def) ? (fixer) => addMount(fixer.setTitle(title, true), file, def, shared) : undefined;
  }
  const services = file.servicesKey?.node;
  const mount = `${shared.volume}:${shared.target}`;
  const step = ' '.repeat(detectIndentStep(file.lines));
  const item = `${usesFlushSequences(file.lines, view.doc.contents) ? '' : step}- ${mount}`;
  const ins = isMap(services) ? appendToMap(file.lines, services, flowScalar(service.name), ['volumes:', item]) : undefined;
  return ins && ((fixer) => applyYamlInsert(fixer.setTitle(title, true), file.path, ins));
}

/** A mount can be added unless the service's volumes arrive through an alias or merge key. */
function canAddMount(file: ComposeModel, def: ComposeServiceDef): boolean {
  const key = def.volumesKey;
  if (!key) {
    return isMap(def.node) && def.node.items.length > 0 && !!file.view;
  }
  const inOwnPairs = def.node.items.some((p) => p.value === key.node);
  // An anchored list other services alias: they would all mount the volume.
  return inOwnPairs && isSeq(key.node) && key.node.items.length > 0 && !file.view?.isAliased(key.node);
}

function addMount(fixer: FixBuilder, file: ComposeModel, def: ComposeServiceDef, shared: SharedMount): void {
  const lines = file.lines;
  const seq = def.volumesKey?.node;
  if (seq && isSeq(seq)) {
    const last = seq.items[seq.items.length - 1] as Node;
    let item = `${shared.volume}:${shared.target}${shared.readOnly ? ':ro' : ''}`;
    if (seq.flow) {
      // `volumes: [a:/x]` or `volumes: [{type: volume, …}]`: the item is flow YAML too.
      item = isMap(last)
        ? `{type: volume, source: ${flowScalar(shared.volume)}, target: ${flowScalar(shared.target)}${shared.readOnly ? ', read_only: true' : ''}}`
        : flowScalar(item);
    } else if (isMap(last) && last.range) {
      const pad = ' '.repeat(columnOf(lines, last.range[0]));
      item = `type: volume${lines.eol}${pad}source: ${shared.volume}${lines.eol}${pad}target: ${shared.target}`;
      if (shared.readOnly) {
        item += `${lines.eol}${pad}read_only: true`;
      }
    }
    const ins = appendToSequence(lines, seq, item);
    if (ins) {
      applyYamlInsert(fixer, file.path, ins);
    }
    return;
  }
  // `celery_beat: {build: {…}}`: block lines after the flow map would not parse.
  const ins = def.node.flow
    ? appendToFlowMap(
        lines,
        def.node as YAMLMap,
        'volumes',
        `[${flowScalar(`${shared.volume}:${shared.target}${shared.readOnly ? ':ro' : ''}`)}]`,
      )
    : appendToMap(lines, def.node, 'volumes', [`- ${shared.volume}:${shared.target}${shared.readOnly ? ':ro' : ''}`]);
  if (ins) {
    applyYamlInsert(fixer, file.path, ins);
  }
}
