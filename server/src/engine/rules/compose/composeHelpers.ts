/** Small helpers shared by the compose rules. */
import { isMap, isScalar } from 'yaml';
import { isHostPathSource, type ComposeModel, type ComposeServiceDef, type VolumeMount } from '../../parse/compose';
import type { ComposeProject, Project, Service } from '../../project';
import { interpolate, NO_VARIABLES } from '../../interpolation';
import { rangeKey, type Range } from '../../text';
import { scalarString } from '../../parse/yamlUtil';
import { NOT_RUNTIME_IMAGE } from '../dockerfile/stageRefs';

/** The compose projects a file takes part in (its own, or those that include or override with it). */
export function projectsOf(project: Project, file: ComposeModel): readonly ComposeProject[] {
  return project.composeProjectsOf(file);
}

/** The named volumes a mount may name (see {@link mountedVolumes}). */
export interface MountedVolumes {
  /** The volume names the mount's source gives. */
  names: string[];
  /**
   * The literal start of a source whose variable is not known here (`${VOL}`, `es_${SUFFIX}`): it
   * may name any volume whose name starts with it.
   */
  anyWithPrefix?: string;
}

/**
 * The named volumes a service's mount uses. A source written with variables
 * (`${PG_VOLUME:-pg_data}`, `source: ${HF_CACHE-hf_cache}`) may be a volume or a host path, as its
 * value says; it names both the volume the project's `.env` gives and the one the defaults written
 * in it give: a checkout without that `.env` (CI, production) mounts that one.
 */
export function mountedVolumes(
  project: Project,
  composeProject: ComposeProject,
  v: VolumeMount & { def: ComposeServiceDef },
): MountedVolumes {
  // As written: a service's mount holds the value .env gives a source's variables (see
  // VolumeMount.written), and the defaults may name another volume.
  const source = v.written ?? v.source;
  // A source with variables may be a volume or a host path, whatever the mount's type says.
  if (!source || (v.type !== 'volume' && !(v.type === 'bind' && source.includes('$')))) {
    return { names: [] };
  }
  if (!source.includes('$')) {
    return { names: [source] };
  }
  const names: string[] = [];
  let anyWithPrefix: string | undefined;
  const fromEnv = project.composeValue(composeProject, v.def, source);
  // Undefined when a variable has no default: only .env (or the shell) gives it.
  const fromDefaults = interpolate(source, NO_VARIABLES);
  for (const value of fromDefaults === undefined || fromDefaults === fromEnv ? [fromEnv] : [fromEnv, fromDefaults]) {
    if (value.includes('$')) {
      // `${HOME}/.aws`, `$PWD:/app`: a host path (a volume name has no `/`); `${VOL}`: any volume.
      if (!value.includes('/') && !/^\$\{?PWD\b/.test(value)) {
        anyWithPrefix = source.slice(0, source.indexOf('$'));
      }
    } else if (value !== '' && !isHostPathSource(value)) {
      names.push(value);
    }
  }
  return anyWithPrefix === undefined ? { names } : { names, anyWithPrefix };
}

/** A network a service is attached to: the key it writes, and the network docker runs. */
export interface ServiceNetwork {
  /** The key as the service writes it (`default` for one that names none). */
  key: string;
  /**
   * The network's name: its top-level `name:` when a file of the project sets one; else the key,
   * which compose names `<project>_<key>` (one network across the project's files).
   */
  name: string;
  /** Whether `name` is a top-level `name:`: a network other projects (and an included stack run alone) can join. */
  named: boolean;
}

/**
 * The networks a service is attached to (the project's `default` for one that names none), with
 * the names docker gives them: two keys may name one network (`name: platform_shared` in two
 * included files), and one key is one network across the project's files.
 */
export function networksOf(service: Service): ServiceNetwork[] {
  const keys = service.networks.length > 0 ? [...new Set(service.networks.map((n) => n.value))] : ['default'];
  const names = networkNames(service.project);
  return keys.map((key) => {
    const name = names.get(key);
    return name === undefined ? { key, name: key, named: false } : { key, name, named: true };
  });
}

/** Whether two networks of one project are the same network. */
export function sameNetwork(a: ServiceNetwork, b: ServiceNetwork): boolean {
  return a.named === b.named && a.name === b.name;
}

/** The networks of `mine` that `theirs` are on too. */
export function sharedNetworks(mine: readonly ServiceNetwork[], theirs: readonly ServiceNetwork[]): ServiceNetwork[] {
  return mine.filter((m) => theirs.some((t) => sameNetwork(m, t)));
}

const networkNamesCache = new WeakMap<ComposeProject, Map<string, string>>();

/** The top-level `name:` of each network key that sets one, the file read last winning. Once per project. */
function networkNames(project: ComposeProject): Map<string, string> {
  let names = networkNamesCache.get(project);
  if (!names) {
    names = new Map();
    for (const file of project.files) {
      for (const n of file.networks) {
        const def = file.view?.resolve(n.node.value)?.node;
        const written = file.view && isMap(def) ? scalarString(file.view.get(def, 'name')?.value?.node) : undefined;
        if (written) {
          names.set(n.name, interpolate(written, NO_VARIABLES) ?? written);
        }
      }
    }
    networkNamesCache.set(project, names);
  }
  return names;
}

/** `a`, `a and b`, `a, b and c`. */
export function listNames(names: readonly string[]): string {
  const unique = [...new Set(names)];
  return unique.length <= 2 ? unique.join(' and ') : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
}

/**
 * Collects findings by range, so a value that reaches several services through a YAML alias or
 * `<<` merge key is reported once, at its anchor, naming every service it reaches.
 */
export class ByRange<T> {
  private readonly entries = new Map<string, { range: Range; services: Set<Service>; item: T }>();

  /** `merge`: how the item found first at a range takes in another one found there (for another service). */
  add(range: Range, service: Service, item: T, merge?: (first: T, next: T) => void): void {
    const key = rangeKey(range);
    const entry = this.entries.get(key);
    if (entry) {
      entry.services.add(service);
      merge?.(entry.item, item);
    } else {
      this.entries.set(key, { range, services: new Set([service]), item });
    }
  }

  /**
   * `names`: the services' names, each once. A file read in several compose projects (run alone and
   * after another file, included by two) gives one service of a name in each.
   */
  values(): { range: Range; services: Service[]; names: string[]; item: T }[] {
    return [...this.entries.values()].map((e) => ({
      ...e,
      services: [...e.services],
      names: [...new Set([...e.services].map((s) => s.name))],
    }));
  }
}

/** Replacement text for a scalar, in the quotes the original used (`"…"`, `'…'` or none). */
export function inSameQuotes(original: string, value: string): string {
  const q = original[0];
  return q === '"' || q === "'" ? `${q}${value}${q}` : value;
}

/**
 * Whether `depends_on` in this definition waits for `target` to finish
 * (`condition: service_completed_successfully`): a job, not a peer.
 */
export function waitsForCompletion(def: ComposeServiceDef, target: string): boolean {
  const deps = def.node.items.find((p) => isScalar(p.key) && p.key.value === 'depends_on')?.value;
  const entry = isMap(deps) ? deps.items.find((p) => isScalar(p.key) && p.key.value === target)?.value : undefined;
  const condition = isMap(entry) ? entry.items.find((p) => isScalar(p.key) && p.key.value === 'condition')?.value : undefined;
  return isScalar(condition) && condition.value === 'service_completed_successfully';
}

/** Profiles of services that only run for tests and checks (`profiles: [test]`). */
const TEST_PROFILE = /^(test|tests|testing|ci|lint|check|checks)$/i;

/**
 * Whether a service is not one of the project's long-running peers: it runs a test or dev image
 * (its build target is a stage named `test`, `dev`, …), runs only under test profiles, or is a job
 * another service waits to finish (`condition: service_completed_successfully`, a migration).
 */
export function isTestOrJob(project: Project, service: Service): boolean {
  const stage = project.runImage(service)?.stage;
  if (stage && NOT_RUNTIME_IMAGE.test(stage.name ?? '')) {
    return true;
  }
  if (service.profiles.length > 0 && service.profiles.every((p) => TEST_PROFILE.test(p))) {
    return true;
  }
  return completionJobs(service.project).has(service.name);
}

const completionJobsCache = new WeakMap<ComposeProject, Set<string>>();

/** The services some other service of the project waits to finish (`condition: service_completed_successfully`). Once per project. */
function completionJobs(project: ComposeProject): Set<string> {
  let jobs = completionJobsCache.get(project);
  if (!jobs) {
    jobs = new Set();
    for (const s of project.services.values()) {
      for (const d of s.defs) {
        for (const ref of d.dependsOn) {
          if (ref.value !== s.name && waitsForCompletion(d, ref.value)) {
            jobs.add(ref.value);
          }
        }
      }
    }
    completionJobsCache.set(project, jobs);
  }
  return jobs;
}
