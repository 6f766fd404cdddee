import { defineRule } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import type { ComposeProject, Project, Service } from '../../project';
import { normalizePath } from '../../paths';
import { pushAll, rangeKey, type Range } from '../../text';
import { ByRange, inSameQuotes, listNames, projectsOf } from './composeHelpers';
import { commandWords, instructionWords, serviceCommandTexts, stageEndWorkdir } from '../image/imageFacts';
import { stageChain } from '../dockerfile/stageRefs';
import { envFileTarget } from '../env/envShared';

/**
 * Services on an exempt image (nginx, postgres, …, directly or as the `FROM` of the stage they
 * build) serve a shared volume where their own image expects it, so their paths
 * neither count nor get reported.
 */
function isExemptService(project: Project, service: Service): boolean {
  if (service.image && !service.build && project.isExemptImage(service.image.value)) {
    return true;
  }
  const df = service.build && project.dockerfile(service.build.dockerfile);
  const final = project.targetStage(service);
  if (!df || !final) {
    return false;
  }
  const target = project.rootFrom(df, final);
  return target.kind === 'external' && project.isExemptImage(target.image);
}

export const sharedVolumePathMismatch = defineRule({
  id: 'shared-volume-path-mismatch',
  meta: {
    section: 2,
    description: 'A named volume is mounted at the same container path in every service that shares it.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    mismatch:
      'Expected the volume "{{volume}}" to be mounted at {{expected}} in {{services}}, as {{others}} mount{{s}} it, not at {{actual}}.',
    mismatchTaken:
      'Expected the volume "{{volume}}" to be mounted at {{expected}} in {{services}}, as {{others}} mount{{s}} it, not at {{actual}} ({{expected}} is taken by {{mount}} there).',
    mismatchUsed:
      'Expected the volume "{{volume}}" to be mounted at {{expected}} in {{services}}, as {{others}} mount{{s}} it, not at {{actual}} (the configuration of {{users}} uses {{actual}}: moving the mount needs a matching change there).',
    tie: 'Unexpected path {{actual}} for the volume "{{volume}}" in {{services}}: it is mounted at {{paths}} in different services.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      // Each mount of the file, with what every compose project that reads the file says of its path:
      // a file run alone and after another is in two, and gets one finding a mount, not one a project.
      const byMount = new Map<string, MountVerdicts>();
      for (const p of projectsOf(project, file)) {
        for (const { volume, range, mount, verdict } of projectVerdicts(project, file, p)) {
          const key = `${volume}\0${rangeKey(range)}`;
          const entry = byMount.get(key) ?? { volume, range, mount, verdicts: [] };
          entry.verdicts.push(verdict);
          byMount.set(key, entry);
        }
      }
      for (const { volume, range, mount, verdicts } of byMount.values()) {
        const actual = cleanContainerPath(mount.target);
        const names = listNames(verdicts.flatMap((v) => v.services.map((s) => s.name)));
        // The path each project settles on (the mount's own where it is at the one most use); a tie settles none.
        const settled = new Set(verdicts.flatMap((v) => (v.kind === 'tie' ? [] : [v.kind === 'ok' ? actual : v.expected])));
        const [path] = settled;
        const agreed = settled.size === 1 && verdicts.every((v) => v.kind !== 'tie' || v.paths.includes(path!));
        if (settled.size === 0 || !agreed) {
          // Tied, or the projects settle on different paths: moving the mount would split one of them.
          const paths = [...new Set(verdicts.flatMap((v) => v.paths))];
          context.report({
            messageId: 'tie',
            data: { volume, actual: mount.target, services: names, paths: listNames(paths) },
            range,
          });
          continue;
        }
        const move = verdicts.find((v) => v.kind === 'move');
        if (path === actual || !move) {
          continue;
        }
        const expected = move.expected;
        const others = [...new Set(move.others.map((s) => s.name))];
        // Moving the mount onto a path another mount of the service holds: docker refuses
        // the container ("Duplicate mount point").
        const taken = move.services.map((s) => mountTaking(project, file, s.name, expected, volume)).find((t) => t !== undefined);
        // A service whose own configuration names the path it mounts the volume at would write
        // there, into its container layer, once the mount moved: the volume shared no more.
        const users = taken ? [] : move.services.filter((s) => configurationUses(project, s, actual));
        context.report({
          messageId: taken ? 'mismatchTaken' : users.length > 0 ? 'mismatchUsed' : 'mismatch',
          data: {
            volume,
            expected,
            actual: mount.target,
            services: names,
            others: listNames(others),
            s: others.length === 1 ? 's' : '',
            mount: taken ?? '',
            users: listNames(users.map((s) => s.name)),
          },
          range,
          fix:
            taken || users.length > 0
              ? undefined
              : (fixer) =>
                  fixer
                    .setTitle(`Mount ${volume} at ${expected}`, true)
                    .replace(file.path, range, inSameQuotes(mount.quoted, expected)),
        });
      }
    },
  },
});

/** A mount written in the file, as a compose project that reads the file sees its path. */
type Verdict = {
  /** The services of the project that mount it there. */
  services: Service[];
  /** The paths the project's services mount the volume at. */
  paths: string[];
} & (
  | { kind: 'ok' }
  | { kind: 'tie' }
  /** `expected`: the path most services mount the volume at; `others`: those that do, but for `services`. */
  | { kind: 'move'; expected: string; others: Service[] }
);

/** A mount of the file and what each project that reads the file says of it. */
interface MountVerdicts {
  volume: string;
  range: Range;
  mount: { target: string; quoted: string };
  verdicts: Verdict[];
}

/**
 * What one compose project says of each mount of a shared volume written in `file`: at the path most
 * of its services mount the volume at (`ok`), at another (`move`), or where two paths are used
 * equally often (`tie`). A mount of a volume the project's services agree on, or share with no other, is left out.
 */
function projectVerdicts(
  project: Project,
  file: ComposeModel,
  p: ComposeProject,
): { volume: string; range: Range; mount: MountVerdicts['mount']; verdict: Verdict }[] {
  const out: { volume: string; range: Range; mount: MountVerdicts['mount']; verdict: Verdict }[] = [];
  const byVolume = new Map<string, { service: Service; target: string }[]>();
  const mounts = new Map<string, ByRange<MountVerdicts['mount']>>();
  // Keyed sets, not list scans: a volume shared by thousands of services stays linear.
  const seen = new Set<string>();
  for (const service of p.services.values()) {
    if (isExemptService(project, service)) {
      continue;
    }
    for (const v of service.volumes) {
      // A source with a `$` left has a variable not known here (see Project's merge).
      if (v.type !== 'volume' || !v.source || /\$/.test(v.source)) {
        continue;
      }
      const users = byVolume.get(v.source) ?? [];
      // Docker cleans the mount destination: /app/media/ and /app/./media are /app/media.
      const target = cleanContainerPath(v.target);
      const key = `${v.source}\0${service.name}\0${target}`;
      if (!seen.has(key)) {
        seen.add(key);
        users.push({ service, target });
      }
      byVolume.set(v.source, users);
      if (v.def.path === file.path && v.targetRange) {
        const m = mounts.get(v.source) ?? new ByRange();
        const r = v.targetRange;
        const quoted = file.text.slice(file.lines.offsetAt(r.start), file.lines.offsetAt(r.end));
        m.add(r, service, { target: v.target, quoted });
        mounts.set(v.source, m);
      }
    }
  }
  for (const [volume, users] of byVolume) {
    const counts = new Map<string, Service[]>();
    for (const u of users) {
      const list = counts.get(u.target) ?? [];
      list.push(u.service);
      counts.set(u.target, list);
    }
    // One service mounting a volume at two paths (its override adds a second) shares it with no
    // other: no path to agree on.
    if (counts.size < 2 || new Set(users.map((u) => u.service)).size < 2) {
      continue;
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1].length - a[1].length);
    const [expected, expectedUsers] = ranked[0]!;
    const paths = [...counts.keys()];
    const tie = ranked[1]![1].length === expectedUsers.length;
    for (const m of mounts.get(volume)?.values() ?? []) {
      const services = m.services;
      const others = expectedUsers.filter((s) => !services.includes(s));
      const verdict: Verdict | undefined = tie
        ? { kind: 'tie', services, paths }
        : cleanContainerPath(m.item.target) === expected
          ? { kind: 'ok', services, paths }
          : others.length > 0
            ? { kind: 'move', services, paths, expected, others }
            : undefined;
      if (verdict) {
        out.push({ volume, range: m.range, mount: m.item, verdict });
      }
    }
  }
  return out;
}

/**
 * What holds a container path in a service, in every compose project that reads `file` (its
 * override, includes and overlays merge their mounts into it): `a bind mount`, `the volume "x"`, …;
 * undefined when the path is free. `volume` mounted there by another file is no obstacle: compose
 * merges mounts by path, so a mount of `volume` written in `file` at that path is the same mount.
 */
export function mountTaking(project: Project, file: ComposeModel, serviceName: string, target: string, volume: string): string | undefined {
  const path = cleanContainerPath(target);
  const projects: ComposeProject[] = [...project.composeProjectsOf(file)];
  for (const p of project.overlayProjects) {
    if (!projects.includes(p) && p.files.includes(file)) {
      projects.push(p);
    }
  }
  for (const p of projects) {
    // Two included files may each define a service of that name (a conflict): the one `file` writes.
    const named = [...p.services.values()].filter((s) => s.name === serviceName);
    const service = named.find((s) => s.defs.some((d) => d.path === file.path)) ?? named[0];
    for (const v of service ? project.mountsOf(service) : []) {
      if (cleanContainerPath(v.target) !== path || (v.type === 'volume' && v.source === volume && v.def.path !== file.path)) {
        continue;
      }
      if (v.type === 'volume' && v.source) {
        return `the volume "${v.source}"`;
      }
      return v.type === 'bind' ? 'a bind mount' : v.type === 'tmpfs' ? 'a tmpfs mount' : v.type === 'volume' ? 'an anonymous volume' : 'another mount';
    }
  }
  return undefined;
}

/** The instructions of a service's Dockerfile that can name a path its container uses. */
const PATH_INSTRUCTIONS: ReadonlySet<string> = new Set(['ENV', 'WORKDIR', 'CMD', 'ENTRYPOINT', 'VOLUME']);

/**
 * Whether a service's own configuration names container path `path` or a path under it: the
 * values of its compose `environment:` and of the env files it reads, its `command:`,
 * `entrypoint:` and healthcheck, and the ENV, WORKDIR, CMD, ENTRYPOINT and VOLUME of the stages
 * of its Dockerfile it is built from (`MEDIA_ROOT=/srv/media`, `--media /srv/media/uploads`).
 */
function configurationUses(project: Project, service: Service, path: string): boolean {
  const texts: string[] = [];
  for (const e of service.environment) {
    if (e.value !== undefined) {
      texts.push(e.value);
    }
  }
  for (const e of service.envFiles) {
    const target = envFileTarget(e.def, e, project, service.project);
    const env = target === undefined ? undefined : project.file(target);
    for (const entry of env?.kind === 'env' ? env.entries : []) {
      texts.push(entry.value);
    }
  }
  pushAll(texts, serviceCommandTexts(project, [service], true));
  const image = project.runImage(service);
  if (image) {
    const stages = stageChain(project, image.dockerfile, image.stage);
    const own = instructionWords(project, image.dockerfile, stages, PATH_INSTRUCTIONS, /^\.{0,2}\//);
    texts.push(own.words.join(' '), ...own.paths);
    const workdir = stageEndWorkdir(project, image.dockerfile, image.stage);
    if (workdir !== undefined) {
      texts.push(workdir);
    }
  }
  return texts.some((t) => namesPath(t, path));
}

/** Whether `text` names container path `path` or a path under it, as a word or a value (`MEDIA_ROOT=/srv/media/`). */
function namesPath(text: string, path: string): boolean {
  if (path === '/' || !text.includes(path)) {
    return false;
  }
  return commandWords(text).some((word) =>
    // `--media=/srv/media`, `PATH=/srv/bin:/usr/bin`, `${MEDIA_ROOT:-/srv/media}`.
    word.split(/[=:{}]/).some((raw) => {
      const part = raw.replace(/^[-+?]/, '');
      const p = part.startsWith('/') ? cleanContainerPath(part) : undefined;
      return p !== undefined && (p === path || p.startsWith(`${path}/`));
    }),
  );
}

/** A container path as Docker cleans it: no `.` segments, no doubled or trailing slash, `..` resolved. */
function cleanContainerPath(target: string): string {
  const cleaned = normalizePath(target);
  return target.startsWith('/') ? `/${cleaned}` : cleaned;
}
