import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { defineRule, type FixBuilder } from '../../rule';
import type { ComposeModel } from '../../parse/compose';
import type { ComposeProject, Project, Service } from '../../project';
import { appendToFlowMap, appendToMap, appendToSequence, appendUnderEmptyKey, isFlushSequence, type YamlInsert } from '../../yamlEdit';
import { listNames, projectsOf } from './composeHelpers';

/**
 * The network the runtime services share: the one most of them are attached to, when it is used
 * by at least two services and by more than half of those that can join a network.
 */
function sharedNetwork(project: Project, p: ComposeProject): { name: string; users: Service[]; candidates: Service[] } | undefined {
  const candidates = project.runtimeServices(p).filter((s) => !s.networkMode);
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
  },
  check: {
    compose(file, context) {
      const { project } = context;
      for (const p of projectsOf(project, file)) {
        const shared = sharedNetwork(project, p);
        if (!shared) {
          continue;
        }
        const users = new Set(shared.users);
        for (const service of shared.candidates) {
          if (service.primary.path !== file.path || users.has(service)) {
            continue;
          }
          const def = service.primary;
          context.report({
            messageId: 'missing',
            data: { service: service.name, network: shared.name, users: usersText(shared.users) },
            range: def.networksKey?.keyRange ?? def.keyRange,
            fix: canAdd(service) ? (fixer) => addNetwork(fixer, file, service, shared.name) : undefined,
          });
        }
      }
    },
  },
});

/** The service's own `networks:` value, or undefined when it arrives through an alias or merge key. */
function ownNetworks(service: Service): { node: Node | null; keyNode: Node } | undefined {
  const key = service.primary.networksKey;
  if (!key) {
    return undefined;
  }
  const pair = service.primary.node.items.find((p) => (p.value ?? null) === (key.node ?? null) && isScalar(p.key) && p.key.value === 'networks');
  return pair ? { node: (pair.value as Node | null) ?? null, keyNode: pair.key as Node } : undefined;
}

function canAdd(service: Service): boolean {
  const def = service.primary;
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

function addNetwork(fixer: FixBuilder, file: ComposeModel, service: Service, network: string): void {
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
  } else if (def.node.flow) {
    ins = appendToFlowMap(lines, def.node as YAMLMap, 'networks', `[${network}]`);
  } else {
    ins = appendToMap(lines, def.node, 'networks', [`- ${network}`], usesFlushSequences(file) ? { valueIndent: 0 } : {});
  }
  if (ins) {
    fixer.insert(file.path, ins.at, ins.text);
  }
}

function usersText(users: Service[]): string {
  const names = users.map((s) => s.name);
  return names.length <= 4 ? listNames(names) : `${names.slice(0, 3).join(', ')} and ${names.length - 3} other services`;
}
