import { defineRule } from '../../rule';
import { imageShortName } from '../../images';
import type { ComposeProject, Project, Service } from '../../project';
import { ByRange, listNames, projectsOf } from './composeHelpers';

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

/** A host written as loopback or a fixed IPv4 address, where a word boundary allows it. */
const HOST = /(?<=^|[/@=,;\s])(localhost|127\.0\.0\.1|\[::1\]|(?:\d{1,3}\.){3}\d{1,3})(?=$|[:/,;?\s])/g;

interface HostUse {
  host: string;
  /** Offset of the host inside the value. */
  index: number;
  kind: BackingKind;
}

/** The loopback or fixed-IP hosts in a value that stand for a backing service. */
export function findHosts(key: string, value: string): HostUse[] {
  const out: HostUse[] = [];
  for (const m of value.matchAll(HOST)) {
    const host = m[1]!;
    if (host === '0.0.0.0' || /^(\d+\.){3}\d+$/.test(host) && host.split('.').some((o) => Number(o) > 255)) {
      continue;
    }
    const index = m.index!;
    const port = /^:(\d+)/.exec(value.slice(index + host.length))?.[1];
    const scheme = /([a-z][a-z0-9+.-]*):\/\/[^\s/@]*@?$/i.exec(value.slice(0, index))?.[1]?.toLowerCase();
    let kind = port ? KINDS.find((k) => k.ports.includes(port)) : undefined;
    kind ??= scheme ? KINDS.find((k) => k.schemes.includes(scheme) || k.schemes.includes(scheme.split('+')[0]!)) : undefined;
    if (!kind && !port && !scheme) {
      kind = KINDS.find((k) => k.key.test(key.toUpperCase()));
    }
    if (kind) {
      out.push({ host, index, kind });
    }
  }
  return out;
}

/** The one service of the project that runs this kind of backing service, if exactly one does. */
function serviceFor(project: Project, p: ComposeProject, kind: BackingKind): Service | undefined {
  const services = project.runtimeServices(p);
  const byImage = services.filter((s) => s.image && kind.images.includes(imageShortName(s.image.value)));
  if (byImage.length > 0) {
    return byImage.length === 1 ? byImage[0] : undefined;
  }
  const byName = services.filter((s) => kind.names.includes(s.name.toLowerCase()));
  return byName.length === 1 ? byName[0] : undefined;
}

export const hostNotServiceName = defineRule({
  id: 'host-not-service-name',
  meta: {
    section: 6,
    description: 'Services reach each other by service name, not by localhost, 127.0.0.1 or a fixed IP address.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    hostNotName:
      'Expected {{variable}} in {{services}} to reach the {{kind}} service by its name "{{target}}", not {{host}}: inside a container {{host}} is not the {{target}} container.',
  },
  check: {
    compose(file, context) {
      const { project } = context;
      const found = new ByRange<{ key: string; host: string; target: string; kind: string; text: string }>();
      for (const p of projectsOf(project, file)) {
        for (const service of p.services.values()) {
          // network_mode: host resolves no service names, and service:X / container:X share X's
          // network namespace, where localhost is X: localhost is right for both.
          if (service.networkMode) {
            continue;
          }
          for (const e of service.environment) {
            if (e.def.path !== file.path || e.value === undefined || !e.valueRange) {
              continue;
            }
            // Where the value's text starts in the file (after the `=` of a list item, or inside quotes).
            let start = file.lines.offsetAt(e.valueRange.start);
            if (e.style === 'map' && (file.text[start] === '"' || file.text[start] === "'")) {
              start++;
            }
            for (const use of findHosts(e.key, e.value)) {
              const target = serviceFor(project, p, use.kind);
              if (!target || target === service) {
                continue;
              }
              const at = start + use.index;
              // The offsets hold only when the value is written without escapes; else the whole value.
              const exact = file.text.slice(at, at + use.host.length) === use.host;
              const range = exact ? file.lines.rangeOf(at, at + use.host.length) : e.valueRange;
              found.add(range, service, { key: e.key, host: use.host, target: target.name, kind: use.kind.kind, text: exact ? use.host : '' });
            }
          }
        }
      }
      for (const f of found.values()) {
        const { key, host, target, kind, text } = f.item;
        context.report({
          messageId: 'hostNotName',
          data: { variable: key, services: listNames(f.services.map((s) => s.name)), kind, target, host },
          range: f.range,
          fix: text ? (fixer) => fixer.setTitle(`Reach ${target} by its service name`, true).replace(file.path, f.range, target) : undefined,
        });
      }
    },
  },
});
