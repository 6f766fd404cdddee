import { RULES } from '../engine/rules';
import { ruleDocPath } from './formatters';
import type { CliIo } from './io';

/** `docker-modularity rules`: every rule with its section, default level, fixability and doc. */
export function runRules(io: CliIo, format: 'text' | 'json'): number {
  const rows = RULES.map((r) => ({
    id: r.id,
    section: r.meta.section,
    defaultLevel: r.meta.defaultSeverity,
    fixable: r.meta.fixable,
    description: r.meta.description,
    doc: ruleDocPath(r.id),
  }));
  if (format === 'json') {
    io.stdout(JSON.stringify({ rules: rows }, null, 2) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    io.stdout('No rules are registered.\n');
    return 0;
  }
  const header = { id: 'RULE', section: 'SECTION', level: 'DEFAULT', fixable: 'FIXABLE', doc: 'DOC' };
  const table = [
    header,
    ...rows.map((r) => ({
      id: r.id,
      section: String(r.section),
      level: r.defaultLevel,
      fixable: r.fixable ? 'yes' : 'no',
      doc: r.doc,
    })),
  ];
  const w = (k: keyof typeof header): number => Math.max(...table.map((t) => t[k].length));
  for (const t of table) {
    io.stdout(
      `${t.id.padEnd(w('id'))}  ${t.section.padEnd(w('section'))}  ${t.level.padEnd(w('level'))}  ${t.fixable.padEnd(w('fixable'))}  ${t.doc}\n`,
    );
  }
  return 0;
}
