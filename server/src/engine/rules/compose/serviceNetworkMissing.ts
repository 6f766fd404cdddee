import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { defineRule, type FixBuilder, type RuleContext } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import { mergedValueDropped, type ComposeProject, type Project, type Service } from '../../project';
import { appendToFlowMap, appendToMap, appendToSequence, appendUnderEmptyKey, isFlushSequence, type YamlInsert, applyYamlInsert } from '../../yamlEdit';
import { listNames, networksOf, projectsOf, sharedNetworks, waitsForCompletion } from './composeHelpers';

/**
 * The network the runtime services share: the one most of them are attached to, when it is used
 * by at least two services and by more than half of those that can join a network.
 */
function sharedNetwork(
  project: Project,
  p: ComposeProject,
  application: string,
): { name: string; users: Service[]; candidates: Service[] } | undefined {
  const candidates = project.runtimeServices(p).filter((s) => !s.networkMode && project.applicationOf(s) === application);
  const users = new Map<string, Service[]>();
  for (const s of candidates) {
    // A service without `networks:` is on the project's `default` network.
    for (const n of s.networks.length > 0 ? s.networks : [{ value: 'default' }]) {
      const list = users.get(n.value);
      if (list) {
        list.push(s);
      } else {
        users.set(n.value, [s]);
      }
    }
  }
  const best = [...users.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0];
  if (!best || best[1].length < 2 || best[1].length * 2 <= candidates.length) {
    return undefined;
  }
  return { name: best[0], users: best[1], candidates };
}

export const serviceNetworkMissing = defineRule({
  id: 'service-network-missing',
  meta: {
    section: 6,
    description: 'Every runtime service is attached to the network the other services share.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    missing:
      'Expected {{service}} to be attached to the network "{{network}}" that {{users}} share; without it, it cannot reach them by service name.',
    unreachable:
      'Expected {{service}} to share a network with {{target}}, which it {{how}}: {{service}} is on {{mine}} and {{target}} on {{theirs}}, so it cannot reach {{target}} by service name.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      for (const p of projectsOf(project, file)) {
        // Each application the project includes shares its own network (see Project.applicationOf).
        const applications = new Set(project.runtimeServices(p).map((s) => project.applicationOf(s)));
        const shared = [...applications].flatMap((a) => sharedNetwork(project, p, a) ?? []);
        reportUnreachable(project, p, file, shared, context.report);
        for (const { name, users, candidates } of shared) {
          const on = new Set(users);
          for (const service of candidates) {
            if (service.primary.path !== file.path || on.has(service)) {
              continue;
            }
            const def = service.primary;
            context.report({
              messageId: 'missing',
              data: { service: service.name, network: name, users: usersText(users) },
              range: def.networksKey?.keyRange ?? def.keyRange,
              fix: canAdd(service, name) ? (fixer) => addNetwork(fixer, file, service, name) : undefined,
            });
          }
        }
      }
    },
  },
});


/**
 * A service that depends on (or links to) a service it shares no network with: it waits for a
 * peer it cannot reach by name (`web` on `backend` with `depends_on: [ml]`, `ml` left on the
 * default network). Reported where the dependency is written; not when the shared-network check
 * already reports one of the two, nor for a dependency on a job that only has to finish. The fix
 * adds the target's network (its first, or `default`) to the service: an addition, so nothing
 * else loses a network.
 */
function reportUnreachable(
  project: Project,
  p: ComposeProject,
  file: ComposeModel,
  shared: readonly NonNullable<ReturnType<typeof sharedNetwork>>[],
  report: RuleContext<'unreachable'>['report'],
): void {
  const candidates = new Map(
    project
      .runtimeServices(p)
      .filter((s) => !s.networkMode)
      .map((s) => [s.name, s]),
  );
  // The services the shared-network check reports: candidates of an application's shared network not on it.
  const off = new Set(shared.flatMap((s) => s.candidates.filter((c) => !s.users.includes(c))));
  for (const service of candidates.values()) {
    for (const def of service.defs) {
      if (def.path !== file.path) {
        continue;
      }
      for (const [refs, how] of [
        [def.dependsOn, 'depends on'],
        [def.links, 'links to'],
      ] as const) {
        for (const ref of refs) {
          const target = candidates.get(ref.value);
          if (!target || target === service || off.has(service) || off.has(target)) {
            continue;
          }
          if (how === 'depends on' && waitsForCompletion(def, ref.value)) {
            continue;
          }
          const mine = networksOf(service);
          const theirs = networksOf(target);
          if (sharedNetworks(mine, theirs).length > 0) {
            continue;
          }
          const network = theirs[0]!.key;
          report({
            messageId: 'unreachable',
            data: {
              service: service.name,
              target: target.name,
              how,
              mine: networkList(mine.map((n) => n.key)),
              theirs: networkList(theirs.map((n) => n.key)),
            },
            range: ref.viaAlias ? def.keyRange : ref.range,
            fix:
              service.primary.path === file.path && canAdd(service, network)
                ? (fixer) => addNetwork(fixer, file, service, network, true)
                : undefined,
          });
        }
      }
    }
  }
}

function networkList(names: string[]): string {
  return listNames(names.map((n) => `"${n}"`));
}

/** The service's own `networks:` value, or undefined when it arrives through an alias or merge key. */
function ownNetworks(service: Service): { node: Node | null; keyNode: Node } | undefined {
  const key = service.primary.networksKey;
  if (!key) {
    return undefined;
  }
  const pair = service.primary.node.items.find((p) => (p.value ?? null) === (key.node ?? null) && isScalar(p.key) && p.key.value === 'networks');
  return pair ? { node: (pair.value as Node | null) ?? null, keyNode: pair.key as Node } : undefined;
}

/**
 * Whether the fix may attach the service to `network` in the file that defines it. A file the
 * project includes (`include:`) is loaded as a project of its own: it may only name networks it
 * declares (or `default`); naming the includer's network there would break that file used alone.
 */
function canAdd(service: Service, network: string): boolean {
  const def = service.primary;
  // `networks: !reset` / `!override` in a later file: a network added here would not reach the service.
  if (mergedValueDropped(service, def, 'networksKey')) {
    return false;
  }
  const files = service.project.files;
  const file = files.find((f) => f.path === def.path);
  if (
    file &&
    files.indexOf(file) < files.indexOf(service.project.root) &&
    network !== 'default' &&
    !file.networks.some((n) => n.name === network)
  ) {
    return false;
  }
  if (!def.networksKey) {
    return def.node.items.length > 0;
  }
  const own = ownNetworks(service);
  if (!own) {
    return false;
  }
  const n = own.node;
  return n === null || (isScalar(n) && n.value === null) || (isSeq(n) && (n.flow || n.items.length > 0)) || (isMap(n) && (n.flow || n.items.length > 0));
}

/** Whether the file writes block sequences flush with their key (`networks:\n- a`). */
function usesFlushSequences(file: ComposeModel): boolean | undefined {
  for (const s of file.services) {
    for (const k of [s.networksKey, s.volumesKey, s.environmentKey]) {
      if (!k || !isSeq(k.node) || k.node.flow || k.node.items.length === 0) {
        continue;
      }
      const pair = s.node.items.find((p) => p.value === k.node);
      if (pair) {
        return isFlushSequence(file.lines, pair.key as Node, k.node);
      }
    }
  }
  return undefined;
}

/**
 * `keepDefault`: a service without `networks:` is on `default`; written with one network it leaves
 * `default`, so `default` is written first, for the services it still reaches there.
 */
function addNetwork(fixer: FixBuilder, file: ComposeModel, service: Service, network: string, keepDefault = false): void {
  const lines = file.lines;
  const def = service.primary;
  fixer.setTitle(`Attach ${service.name} to ${network}`, true);
  let ins: YamlInsert | undefined;
  const own = ownNetworks(service);
  if (own) {
    const n = own.node;
    if (isSeq(n)) {
      ins = appendToSequence(lines, n, network);
    } else if (isMap(n) && n.flow) {
      ins = appendToFlowMap(lines, n, network, '{}');
    } else if (isMap(n)) {
      const last = n.items[n.items.length - 1];
      const braces = last && isMap(last.value) && last.value.flow && last.value.items.length === 0;
      ins = appendToMap(lines, n, network, braces ? '{}' : []);
    } else {
      ins = appendUnderEmptyKey(lines, own.keyNode, [`- ${network}`], usesFlushSequences(file) ? { valueIndent: 0 } : {});
    }
  } else {
    const names = keepDefault && !def.networksKey && network !== 'default' ? ['default', network] : [network];
    if (def.node.flow) {
      ins = appendToFlowMap(lines, def.node as YAMLMap, 'networks', `[${names.join(', ')}]`);
    } else {
      ins = appendToMap(lines, def.node, 'networks', names.map((n) => `- ${n}`), usesFlushSequences(file) ? { valueIndent: 0 } : {});
    }
  }
  if (ins) {
    applyYamlInsert(fixer, file.path, ins);
  }
}

function usersText(users: Service[]): string {
  const names = users.map((s) => s.name);
  return names.length <= 4 ? listNames(names) : `${names.slice(0, 3).join(', ')} and ${names.length - 3} other services`;
}
