import { defineRule, type RuleContext } from '../../rule';
import { imageShortName } from '../../images';
import { literalText } from '../../interpolation';
import type { Project, Service } from '../../project';
import type { LineIndex, Range } from '../../text';
import { servicesReadingEnvFile } from '../env/envShared';
import { ByRange, listNames, networksOf, sharedNetworks } from './composeHelpers';

/** Backing services the application reaches, told by port, URL scheme, image and variable name. */
interface BackingKind {
  kind: string;
  ports: string[];
  schemes: string[];
  images: string[];
  /** Service names that stand for the kind when no image tells. */
  names: string[];
  /** Variable names that say which kind a bare host is for (`DB_HOST=localhost`). */
  key: RegExp;
}

const KINDS: BackingKind[] = [
  {
    kind: 'PostgreSQL',
    ports: ['5432'],
    schemes: ['postgres', 'postgresql', 'postgis', 'pgsql', 'psql'],
    images: ['postgres', 'postgis', 'timescaledb', 'timescaledb-ha'],
    names: ['postgres', 'postgresql', 'db', 'database', 'pg'],
    key: /(^|_)(DB|DATABASE|POSTGRES|POSTGRESQL|PG)(_|$)|^PGHOST$/,
  },
  {
    kind: 'Redis',
    ports: ['6379'],
    schemes: ['redis', 'rediss'],
    images: ['redis', 'valkey', 'keydb', 'redis-stack', 'redis-stack-server'],
    names: ['redis', 'cache', 'valkey'],
    key: /(^|_)(REDIS|VALKEY)(_|$)/,
  },
  {
    kind: 'RabbitMQ',
    ports: ['5672'],
    schemes: ['amqp', 'amqps', 'pyamqp'],
    images: ['rabbitmq'],
    names: ['rabbitmq', 'rabbit', 'broker'],
    key: /(^|_)(RABBIT|RABBITMQ|AMQP)(_|$)/,
  },
  {
    kind: 'MySQL',
    ports: ['3306'],
    schemes: ['mysql', 'mariadb', 'mysql+pymysql'],
    images: ['mysql', 'mariadb', 'percona'],
    names: ['mysql', 'mariadb'],
    key: /(^|_)(MYSQL|MARIADB)(_|$)/,
  },
  {
    kind: 'MongoDB',
    ports: ['27017'],
    schemes: ['mongodb'],
    images: ['mongo', 'mongodb'],
    names: ['mongo', 'mongodb'],
    key: /(^|_)(MONGO|MONGODB)(_|$)/,
  },
  {
    kind: 'Memcached',
    ports: ['11211'],
    schemes: ['memcache', 'memcached', 'pymemcache'],
    images: ['memcached'],
    names: ['memcached'],
    key: /(^|_)(MEMCACHE|MEMCACHED)(_|$)/,
  },
  {
    kind: 'Elasticsearch',
    ports: ['9200'],
    schemes: [],
    images: ['elasticsearch', 'opensearch'],
    names: ['elasticsearch', 'opensearch', 'es'],
    key: /(^|_)(ELASTIC|ELASTICSEARCH|OPENSEARCH)(_|$)/,
  },
];

/**
 * A loopback host, where a word boundary allows it: `localhost`, `127.0.0.1` (any 127.x address),
 * `::1` (`[::1]` in a URL) and `0.0.0.0` (see {@link findHosts}). Inside a container each names the
 * container itself. Other addresses are not matched: `10.0.0.12` may well be a managed database
 * outside compose.
 */
const HOST = /(?<=^|[/@=,;\s])(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1(?![\w:])|0\.0\.0\.0)(?=$|[:/,;?\s])/gi;

interface HostUse {
  host: string;
  /** Offset of the host inside the value. */
  index: number;
  kind: BackingKind;
  /** The port written after the host, when it is not the kind's default one (pgbouncer's 6432). */
  otherPort?: string;
}

/**
 * The loopback hosts in a value that stand for a backing service. A value written with variables is
 * read as compose may substitute it (see {@link literalText}): `${DB_HOST:-localhost}` is
 * `localhost`, `redis://${REDIS_HOST-localhost}:6379` a Redis URL, while `${DB_HOST:-my-localhost}`
 * names another host and `${PGHOST:?e.g. localhost}` is a message. `index` is where the host is
 * written in the value.
 */
export function findHosts(key: string, written: string): HostUse[] {
  const out: HostUse[] = [];
  const literal = written.includes('$') ? literalText(written) : undefined;
  const value = literal ? literal.text : written;
  for (const m of value.matchAll(HOST)) {
    const host = m[1]!;
    if (host.split('.').some((o) => Number(o) > 255)) {
      continue;
    }
    const at = m.index!;
    // A host that straddles a default's bounds (`local${X:-host}`) is not written in one piece: its
    // offset is still its first character's, and the finding falls back to the whole value.
    const index = literal ? literal.offsets[at]! : at;
    const port = /^:(\d+)/.exec(value.slice(at + host.length))?.[1];
    const scheme = /([a-z][a-z0-9+.-]*):\/\/[^\s/@]*@?$/i.exec(value.slice(0, at))?.[1]?.toLowerCase();
    // 0.0.0.0 connects to the container itself only in a URL; written alone it is a bind address.
    if (host === '0.0.0.0' && !scheme) {
      continue;
    }
    let kind = port ? KINDS.find((k) => k.ports.includes(port)) : undefined;
    kind ??= scheme ? KINDS.find((k) => k.schemes.includes(scheme) || k.schemes.includes(scheme.split('+')[0]!)) : undefined;
    if (!kind && !port && !scheme) {
      kind = KINDS.find((k) => k.key.test(key.toUpperCase()));
    }
    if (kind) {
      out.push({ host, index, kind, ...(port && !kind.ports.includes(port) ? { otherPort: port } : {}) });
    }
  }
  return out;
}

/** The application of the file defining a service (see `ComposeProject.applications`). */
function fileApplication(service: Service): string {
  return service.project.applications.get(service.primary.path) ?? service.project.root.path;
}

/**
 * Why `from` cannot reach `to` by its service name, or undefined when it can. Docker's DNS answers a
 * service name on the networks the service is attached to: `to` must not run with `network_mode`
 * (host, none, service:x: it is on no network of the project), the two must share a network (the
 * project's `default` for one that names none; two keys whose top-level `name:` is the same are one
 * network), and `to` must be part of `from`'s application or of one it includes, unless a network
 * they share has a top-level `name:`. A file a root `include:` names is an application of its own,
 * run alone too (see {@link Project.applicationOf}): there the other included stacks' services do
 * not exist, even on the default network they share when the root runs them; a network with a
 * top-level `name:` is the same network when each runs alone.
 */
function whyUnreachable(project: Project, from: Service, to: Service): string | undefined {
  if (to.networkMode) {
    return `${to.name} has network_mode "${to.networkMode.value}"`;
  }
  const mine = networksOf(from);
  const theirs = networksOf(to);
  const shared = sharedNetworks(mine, theirs);
  if (shared.length === 0) {
    return `${to.name} is on ${quotedList(theirs.map((n) => n.key))} and ${from.name} on ${quotedList(mine.map((n) => n.key))}`;
  }
  // A network with a top-level `name:` is the same network when each application runs alone.
  if (project.applicationOf(from) !== project.applicationOf(to) && !shared.some((n) => n.named)) {
    const own = fileApplication(from);
    const other = fileApplication(to);
    if (!from.project.includes(own, other)) {
      return `${to.name} runs in ${other}, which ${own} does not include`;
    }
  }
  return undefined;
}

function quotedList(names: readonly string[]): string {
  return listNames(names.map((n) => `"${n}"`));
}

/**
 * The service of the project that runs this kind of backing service for `service`: told by image,
 * else by name, among those it reaches by name, if exactly one; else, when it reaches none, the one
 * of the project if exactly one does, with why `service` cannot reach it (`apart`).
 */
function serviceFor(project: Project, service: Service, kind: BackingKind): { target: Service; apart?: string } | undefined {
  const services = project.runtimeServices(service.project);
  const byImage = services.filter((s) => s.image && kind.images.includes(imageShortName(s.image.value)));
  const byName = services.filter((s) => kind.names.includes(s.name.toLowerCase()));
  const reached = (s: Service): boolean => s === service || whyUnreachable(project, service, s) === undefined;
  const nearByImage = byImage.filter(reached);
  const near = nearByImage.length > 0 ? nearByImage : byName.filter(reached);
  if (near.length > 0) {
    return near.length === 1 ? { target: near[0]! } : undefined;
  }
  const far = byImage.length > 0 ? byImage : byName;
  return far.length === 1 ? { target: far[0]!, apart: whyUnreachable(project, service, far[0]!)! } : undefined;
}

/** A service reading a value, the service of the kind it names, and why it cannot reach it by name (undefined when it can). */
interface Read {
  service: Service;
  target: string;
  apart?: string;
}

interface Found {
  key: string;
  host: string;
  /** The services reading the value (one, unless an anchor, an env file or an `extends: file:` target is shared). */
  reads: Read[];
  kind: BackingKind;
  /** The host as written at the range (empty when the value has escapes: no fix). */
  text: string;
  otherPort?: string;
}

/**
 * The findings of one value for one service: where each host the value names (`uses`, its
 * {@link findHosts}) sits in the file (`start`: the offset of the value's text, inside its quotes),
 * or the whole value when it is written with escapes.
 */
function collect(
  found: ByRange<Found>,
  project: Project,
  service: Service,
  key: string,
  uses: readonly HostUse[],
  text: string,
  lines: LineIndex,
  start: number,
  valueRange: Range,
): void {
  for (const use of uses) {
    const choice = serviceFor(project, service, use.kind);
    if (!choice || choice.target === service) {
      continue;
    }
    const at = start + use.index;
    // The offsets hold only when the value is written without escapes; else the whole value.
    const exact = text.slice(at, at + use.host.length) === use.host;
    const range = exact ? lines.rangeOf(at, at + use.host.length) : valueRange;
    const read: Read = { service, target: choice.target.name, ...(choice.apart ? { apart: choice.apart } : {}) };
    found.add(
      range,
      service,
      {
        key,
        host: use.host,
        reads: [read],
        kind: use.kind,
        text: exact ? use.host : '',
        ...(use.otherPort ? { otherPort: use.otherPort } : {}),
      },
      // A value several services read (an anchor, an `extends: file:` target, an env file): each reads it as its project has it.
      (first, next) => {
        for (const r of next.reads) {
          if (!first.reads.some((f) => f.service === r.service)) {
            first.reads.push(r);
          }
        }
      },
    );
  }
}

export const hostNotServiceName = defineRule({
  id: 'host-not-service-name',
  meta: {
    section: 6,
    description: 'Services reach each other by service name, not by localhost or 127.0.0.1.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    hostNotName:
      'Expected {{variable}} in {{services}} to reach the {{kind}} service by its name "{{target}}", not {{host}}: inside a container {{host}} is not the {{containers}} container.',
    otherPort:
      'Expected {{variable}} in {{services}} to reach the {{kind}} service by its name "{{target}}", not {{host}}: inside a container {{host}} is not the {{containers}} container. Port {{port}} is not the {{kind}} port {{defaultPort}}: check which service listens on it before changing the host.',
    unreachable:
      'Expected {{variable}} in {{services}} to name a reachable {{kind}} service, not {{host}}: inside a container {{host}} is not the {{containers}} container, and {{services}} cannot reach the {{kind}} service "{{target}}" by its name either: {{apart}}.',
    someUnreachable:
      'Expected {{variable}} in {{services}} to reach the {{kind}} service by its name "{{target}}", not {{host}}: inside a container {{host}} is not the {{containers}} container. {{others}} cannot reach "{{far}}" by its name: {{apart}}.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const found = new ByRange<Found>();
      // The services of the file's projects, and those that merge it through `extends: file:` (a
      // common.yml outside any project is checked here, where its values are written).
      for (const service of project.servicesWithDefIn(file.path)) {
        // network_mode: host resolves no service names, and service:X / container:X share X's
        // network namespace, where localhost is X: localhost is right for both.
        if (service.networkMode) {
          continue;
        }
        for (const e of service.environment) {
          if (e.def.path !== file.path || e.value === undefined || !e.valueRange) {
            continue;
          }
          const uses = findHosts(e.key, e.value);
          if (uses.length === 0) {
            continue;
          }
          // Where the value's text starts in the file (after the `=` of a list item, or inside quotes).
          let start = file.lines.offsetAt(e.valueRange.start);
          if (e.style === 'map' && (file.text[start] === '"' || file.text[start] === "'")) {
            start++;
          }
          collect(found, project, service, e.key, uses, file.text, file.lines, start, e.valueRange);
        }
      }
      report(context, file.path, found);
    },
    env(file, context) {
      // The env files the services read through env_file (the roadmap puts this configuration in
      // .env.docker): a value there reaches every service that reads the file, unless the service's
      // own environment sets the variable.
      const { project } = context;
      const all = servicesReadingEnvFile(project, file.path);
      const readers = all.filter((s) => !s.networkMode);
      if (readers.length === 0) {
        return;
      }
      // A service on the host's network (or another's) reads the file too: there localhost is right,
      // and a service name would not resolve, so the value is reported but not rewritten.
      const keepHost = readers.length < all.length;
      const found = new ByRange<Found>();
      for (const entry of file.entries) {
        // The hosts a value names do not depend on the service reading it: looked for once, and
        // most values name none (a file thousands of services read is not scanned once for each).
        const uses = findHosts(entry.key, entry.value);
        if (uses.length === 0) {
          continue;
        }
        const start = file.lines.offsetAt(entry.valueRange.start) + (entry.quoted ? 1 : 0);
        for (const service of readers) {
          if (service.environment.some((e) => e.key === entry.key)) {
            continue;
          }
          collect(found, project, service, entry.key, uses, file.text, file.lines, start, entry.valueRange);
        }
      }
      report(context, file.path, found, keepHost);
    },
  },
});

type MessageId = 'hostNotName' | 'otherPort' | 'unreachable' | 'someUnreachable';

function report(context: RuleContext<MessageId>, path: string, found: ByRange<Found>, keepHost = false): void {
  for (const f of found.values()) {
    const { key, host, reads, kind, text, otherPort } = f.item;
    const unique = (list: readonly string[]): string[] => [...new Set(list)];
    const near = reads.filter((r) => r.apart === undefined);
    const far = reads.filter((r) => r.apart !== undefined);
    const names = (rs: readonly Read[]): string[] => unique(rs.map((r) => r.target));
    const servicesOf = (rs: readonly Read[]): string => listNames(rs.map((r) => r.service.name));
    // The services that reach it by name, unless none does: the message is theirs.
    const shown = near.length > 0 ? near : far;
    const targets = names(otherPort ? reads : shown);
    const target = targets.join('" or "');
    const data = {
      variable: key,
      services: servicesOf(otherPort ? reads : shown),
      kind: kind.kind,
      target,
      containers: targets.join(' or '),
      host,
    };
    const apart = unique(far.map((r) => r.apart!)).join('; ');
    let messageId: MessageId = 'hostNotName';
    let extra: Record<string, string> = {};
    if (near.length === 0) {
      // No reader reaches the service by name: its name would not resolve either, so no fix.
      messageId = 'unreachable';
      extra = { apart };
    } else if (otherPort) {
      // A port that is not the kind's own may be another service's (a pgbouncer on 6432): the
      // service name alone would point the value at the wrong port.
      messageId = 'otherPort';
      extra = { port: otherPort, defaultPort: kind.ports[0]! };
    } else if (far.length > 0) {
      messageId = 'someUnreachable';
      extra = { others: servicesOf(far), far: names(far).join('" or "'), apart };
    }
    // One name for every reader (a file several projects read may name the service differently),
    // and one that some reader reaches: for those that cannot, the host was no better.
    const fixable = text && !otherPort && !keepHost && near.length > 0 && names(reads).length === 1;
    context.report({
      messageId,
      data: { ...data, ...extra },
      range: f.range,
      fix: fixable
        ? (fixer) => fixer.setTitle(`Reach ${target} by its service name`, true).replace(path, f.range, target)
        : undefined,
    });
  }
}
