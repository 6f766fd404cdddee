import type { Finding } from '../engine/rule';
import type { RuleDefinition } from '../engine/rule';
import type { Severity } from '../engine/config';
import { PROJECT_URL, ruleDocUrl } from '../links';

/** A finding as the CLI prints it, with its file named for each audience. */
export interface ReportedFinding {
  finding: Finding;
  /** For the json format: relative to the checked folder (or to the current folder for several). */
  file: string;
  /** For people, GitHub and SARIF: relative to the current folder. */
  display: string;
}

export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** 1-based, end-exclusive positions, as every format prints them. */
export function location(f: Finding): { line: number; column: number; endLine: number; endColumn: number } {
  return {
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
  };
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
  hint: number;
  fixable: number;
}

export function countFindings(findings: readonly ReportedFinding[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0, hint: 0, fixable: 0 };
  for (const { finding } of findings) {
    c[finding.severity]++;
    if (finding.fixable) {
      c.fixable++;
    }
  }
  return c;
}

/** The stable json format: `{"findings": [...]}`, documented in docs/cli.md. */
export function formatJson(findings: readonly ReportedFinding[]): string {
  return (
    JSON.stringify(
      {
        findings: findings.map(({ finding: f, file }) => ({
          file,
          rule: f.ruleId,
          severity: f.severity,
          message: f.message,
          ...location(f),
          fixable: f.fixable,
        })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** `n` and the word, plural unless n is 1 (`3 files`, `1 file`). */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export interface StylishOptions {
  color: boolean;
  filesChecked: number;
}

/** Findings grouped by file, one aligned line each, then a summary. */
export function formatStylish(findings: readonly ReportedFinding[], options: StylishOptions): string {
  const paint = (code: string, s: string): string => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const severityColor: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '2' };
  let out = '';
  const groups = new Map<string, ReportedFinding[]>();
  for (const r of findings) {
    groups.set(r.display, [...(groups.get(r.display) ?? []), r]);
  }
  for (const [file, list] of groups) {
    out += `${paint('4', file)}\n`;
    const rows = list.map(({ finding: f }) => {
      const l = location(f);
      return { pos: `${l.line}:${l.column}`, sev: f.severity, msg: f.message, rule: f.ruleId };
    });
    const wPos = Math.max(...rows.map((r) => r.pos.length));
    const wSev = Math.max(...rows.map((r) => r.sev.length));
    const wMsg = Math.max(...rows.map((r) => r.msg.length));
    for (const r of rows) {
      out += `  ${paint('2', r.pos.padEnd(wPos))}  ${paint(severityColor[r.sev], r.sev.padEnd(wSev))}  ${r.msg.padEnd(wMsg)}  ${paint('2', r.rule)}\n`;
    }
    out += '\n';
  }
  const c = countFindings(findings);
  if (findings.length === 0) {
    out += `${paint('32', '✔')} No problems found (${plural(options.filesChecked, 'file')} checked).\n`;
    return out;
  }
  const parts = [plural(c.error, 'error'), plural(c.warning, 'warning'), plural(c.info, 'info')];
  if (c.hint > 0) {
    parts.push(plural(c.hint, 'hint'));
  }
  const summary = `✖ ${plural(findings.length, 'problem')} (${parts.join(', ')})`;
  out += `${paint(c.error > 0 ? '31;1' : '33;1', summary)}\n`;
  if (c.fixable > 0) {
    out += `  ${c.fixable === 1 ? '1 problem is' : `${c.fixable} problems are`} fixable with the \`--fix\` option.\n`;
  }
  return out;
}

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding. */
export function formatGithub(findings: readonly ReportedFinding[]): string {
  const command: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };
  return findings
    .map(({ finding: f, display }) => {
      const l = location(f);
      const props = [
        `file=${escapeProperty(display)}`,
        `line=${l.line}`,
        `col=${l.column}`,
        `endLine=${l.endLine}`,
        `endColumn=${l.endColumn}`,
        `title=${escapeProperty(f.ruleId)}`,
      ];
      return `::${command[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`;
    })
    .join('');
}

export interface SarifOptions {
  version: string;
  rules: readonly RuleDefinition[];
  /** The folder SARIF uris are relative to (%SRCROOT%), absolute. */
  srcRoot: string;
  /** Rule doc text by rule id, when the docs are at hand. */
  ruleDocs?: (id: string) => string | undefined;
}

function sarifLevel(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

const PSEUDO_RULES: Record<string, string> = {
  'internal-error': 'A rule failed on a file; the other rules still ran. Please report this.',
};

/** SARIF 2.1.0, as GitHub code scanning accepts it. */
export function formatSarif(findings: readonly ReportedFinding[], options: SarifOptions): string {
  const ids = options.rules.map((r) => r.id);
  for (const { finding } of findings) {
    if (!ids.includes(finding.ruleId)) {
      ids.push(finding.ruleId);
    }
  }
  const rules = ids.map((id) => {
    const rule = options.rules.find((r) => r.id === id);
    const description = rule?.meta.description ?? PSEUDO_RULES[id] ?? id;
    const helpUri = rule ? ruleDocUrl(id) : PROJECT_URL;
    const markdown = rule ? options.ruleDocs?.(id) : undefined;
    return {
      id,
      name: id
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(''),
      shortDescription: { text: description },
      fullDescription: { text: description },
      help: { text: `${description}\n\nDocumentation: ${helpUri}`, ...(markdown ? { markdown } : {}) },
      helpUri,
      defaultConfiguration: { level: sarifLevel(rule?.meta.defaultSeverity ?? 'error') },
      properties: rule ? { section: String(rule.meta.section), fixable: rule.meta.fixable } : {},
    };
  });
  const srcRootUri = pathToFileUri(options.srcRoot);
  const results = findings.map(({ finding: f, display }) => {
    const l = location(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: ids.indexOf(f.ruleId),
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUriPath(display), uriBaseId: '%SRCROOT%' },
            region: { startLine: l.line, startColumn: l.column, endLine: l.endLine, endColumn: l.endColumn },
          },
        },
      ],
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'docker-modularity',
            informationUri: PROJECT_URL,
            version: options.version,
            semanticVersion: options.version,
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcRootUri } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function encodeUriPath(p: string): string {
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

function pathToFileUri(abs: string): string {
  let p = abs.replace(/\\/g, '/');
  if (!p.startsWith('/')) {
    p = '/' + p;
  }
  if (!p.endsWith('/')) {
    p += '/';
  }
  return 'file://' + encodeUriPath(p);
}
