import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analyzer, type AnalysisResult } from '../engine/analyzer';
import { CONFIG_FILE_NAMES } from '../engine/config';
import { composeLookalikes } from '../engine/project';
import { currentStateReport } from '../engine/report';
import { roadmapStatus, serializeSections, type ItemStatus, type RoadmapStatus } from '../engine/roadmap';
import { describeWriteError, NodeFileSystem, writeFileAtomic } from '../node/nodeFileSystem';
import type { Command } from './args';
import { composeLookalikeNote } from './check';
import { plural } from './formatters';
import { complain, EXIT_OK, EXIT_USAGE, type CliIo } from './io';

const MARKS: Record<ItemStatus['state'], string> = { pass: '✓', fail: '✗', na: '–', manual: '○' };

/** Analyses one folder with its own config file; undefined (after complaining) when it cannot. */
function analyzeFolder(given: string, io: CliIo): { root: string; result: AnalysisResult } | undefined {
  const root = path.resolve(io.cwd, given);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch (e) {
    complain(io, (e as NodeJS.ErrnoException).code === 'ELOOP' ? `symlink loop: ${given}` : `no such folder: ${given}`);
    return undefined;
  }
  if (!st.isDirectory()) {
    complain(io, `expected a workspace folder, got a file: ${given}`);
    return undefined;
  }
  // The config's excludes decide which folders the walk enters, so read the config first.
  const { config, error, file } = new Analyzer(new NodeFileSystem(root)).loadConfig();
  if (error) {
    io.stderr(`${path.join(given, error.file)}: ${error.key ? `"${error.key}" ` : ''}${error.reason}\n`);
    return undefined;
  }
  const disk = new NodeFileSystem(root, { exclude: config.exclude });
  const result = new Analyzer(disk, { oneShot: true }).analyze();
  for (const w of result.configWarnings) {
    io.stderr(`${w.file !== undefined ? path.join(given, w.file) : 'config'}: "${w.key}" ${w.reason}\n`);
  }
  // As check says it: YAML files that look like compose files, when none was found (see composeLookalikes).
  if (result.project.composeFiles.length === 0) {
    const note = composeLookalikeNote(
      composeLookalikes(disk).map((p) => path.join(given, p)),
      path.join(given, file ?? CONFIG_FILE_NAMES[0]),
    );
    if (note) {
      complain(io, note);
    }
  }
  return { root, result };
}

function itemSuffix(i: ItemStatus): string {
  switch (i.state) {
    case 'fail': {
      // A reason that fails it whatever the rules find (no base image), then the findings and where
      // the first one is (before, only --format json said where).
      const first = i.findings[0];
      const at = first && `${first.path}:${first.range.start.line + 1}`;
      const findings =
        first && (i.findings.length === 1 ? `1 finding at ${at}` : `${i.findings.length} findings, first at ${at}`);
      return ` (${[i.unmet, findings].filter(Boolean).join('; ')})`;
    }
    case 'na':
      // Switched off, or a compose file it reads does not parse: the detail says which.
      return i.detail.startsWith('Not checked')
        ? ` (${i.detail.replace(/^Not checked: /, 'not checked: ').replace(/\.$/, '')})`
        : ' (not applicable)';
    case 'manual':
      return ' (manual)';
    default:
      return '';
  }
}

/** The status as text: one block per section, one line per item. Names only rules and counts, never values. */
export function formatStatusText(name: string, status: RoadmapStatus): string {
  const out = [
    `Roadmap status of ${name}: ${status.passed} of ${status.checkable} checkable items pass; ${plural(status.errors, 'error')}, ${plural(status.warnings, 'warning')}.`,
  ];
  // Ticks the tool does not verify, said once: many roadmap items cannot be checked by reading files.
  const unread = status.unread?.claims.length ?? 0;
  if (unread > 0) {
    out.push(
      `${plural(unread, 'ticked item')} of ${status.unread!.path} ${unread === 1 ? 'is' : 'are'} not verified: no check reads ${unread === 1 ? 'it' : 'them'} (manual, or worded as no item below).`,
    );
  }
  out.push('');
  for (const s of status.sections) {
    out.push(`${s.section.section}. ${s.section.title}: ${s.passed} of ${s.checkable}`);
    for (const i of s.items) {
      out.push(`  ${MARKS[i.state]} ${i.item.title}${itemSuffix(i)}`);
    }
    out.push('');
  }
  out.push('✓ passes  ✗ fails  – not applicable or not checked  ○ manual (reviewed by people).');
  // Where to go next, only as far as it is true: a reason such as "no base Dockerfile" is no finding
  // of check (it reports it only on a ticked item of the roadmap document). Before, the footer sent
  // everyone to check, which could answer "No problems found".
  const failing = status.sections.flatMap((s) => s.items).filter((i) => i.state === 'fail');
  if (failing.some((i) => i.findings.length > 0)) {
    out.push('Run `docker-modularity check` for the findings.');
  }
  if (failing.some((i) => i.unmet)) {
    out.push(
      'A ✗ that gives a reason (not a finding) is not done for that reason: act on it; `check` reports it only on a ticked item of the roadmap document.',
    );
  }
  return out.join('\n') + '\n';
}

/** The status as JSON; findings use the field names of `check --format json` (1-based lines and columns). */
export function formatStatusJson(name: string, status: RoadmapStatus): string {
  const data = {
    folder: name,
    totals: { passed: status.passed, checkable: status.checkable, errors: status.errors, warnings: status.warnings },
    // The roadmap document's ticked items no check reads (null: no document), lines 1-based.
    uncheckedClaims: status.unread
      ? {
          file: status.unread.path,
          count: status.unread.claims.length,
          items: status.unread.claims.map((c) => ({ line: c.line + 1, text: c.text })),
        }
      : null,
    sections: serializeSections(status, (f) => ({
      file: f.path,
      rule: f.ruleId,
      severity: f.severity,
      message: f.message,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      fixable: f.fixable,
    })),
  };
  return JSON.stringify(data, null, 2) + '\n';
}

/** `docker-modularity status [PATH] [--format text|json]`: exit 0 whatever the status (it is a report, not a gate). */
export function runStatus(cmd: Extract<Command, { kind: 'status' }>, io: CliIo): number {
  const analysed = analyzeFolder(cmd.path, io);
  if (!analysed) {
    return EXIT_USAGE;
  }
  const name = path.basename(analysed.root) || analysed.root;
  const status = roadmapStatus(analysed.result);
  io.stdout(cmd.format === 'json' ? formatStatusJson(name, status) : formatStatusText(name, status));
  return EXIT_OK;
}

/** `docker-modularity report [PATH] [--output FILE]`: the current-state report as Markdown. */
export function runReport(cmd: Extract<Command, { kind: 'report' }>, io: CliIo): number {
  const analysed = analyzeFolder(cmd.path, io);
  if (!analysed) {
    return EXIT_USAGE;
  }
  const markdown = currentStateReport(analysed.result);
  if (cmd.output === undefined) {
    io.stdout(markdown);
    return EXIT_OK;
  }
  const target = path.resolve(io.cwd, cmd.output);
  // A folder that does not exist is a typo more often than a wish: say so rather than create it.
  let folder: fs.Stats | undefined;
  try {
    folder = fs.statSync(path.dirname(target));
  } catch {
    folder = undefined;
  }
  if (!folder?.isDirectory()) {
    complain(io, `could not write ${cmd.output}: the folder ${path.dirname(cmd.output) || '.'} does not exist`);
    return EXIT_USAGE;
  }
  try {
    writeFileAtomic(target, markdown);
  } catch (e) {
    complain(io, `could not write ${cmd.output}: ${describeWriteError(e)}`);
    return EXIT_USAGE;
  }
  io.stderr(`wrote ${cmd.output}\n`);
  return EXIT_OK;
}
