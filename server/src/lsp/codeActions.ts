import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import {
  applicableFix,
  applyFixes,
  FIXED_LAST_RULES,
  staleReason,
  WAITS_FOR_OTHER_FIXES,
  type FixOutcome,
} from '../engine/fixes';
import { parseSuppressionLine } from '../engine/suppress';
import type { Finding, Fix, FileChange } from '../engine/rule';
import { contentHash, LineIndex, type Range } from '../engine/text';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND } from '../protocol';
import { diagnosticData, NON_RULE_IDS } from './diagnostics';
import type { AnalyzedFolder } from './folder';
import { canExpress, toWorkspaceEdit, type EditCapabilities } from './workspaceEdits';

export interface CodeActionEnv {
  folder: AnalyzedFolder;
  editCaps: EditCapabilities;
  versionOf(uri: string): number | null;
  log(message: string): void;
}

/** Whether an action of `kind` is among the kinds the client asked for (`only`). */
export function kindRequested(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

/** Whether a request's position is one: a line and a character, both whole numbers from 0. */
export function isPosition(p: unknown): p is Range['start'] {
  const q = p as Partial<Range['start']> | null | undefined;
  const whole = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  return typeof q === 'object' && q !== null && whole(q.line) && whole(q.character);
}

/** Whether a request's range is one (see {@link isPosition}). */
export function isRange(r: unknown): r is Range {
  const q = r as Partial<Range> | null | undefined;
  return typeof q === 'object' && q !== null && isPosition(q.start) && isPosition(q.end);
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character
  );
}

/**
 * The finding in the latest analysis a diagnostic was made from, matched by rule and range, and by
 * message when one is given: one rule may report twice on one range (two volumes missing from one
 * service), and before, both diagnostics got the first finding's fix.
 */
export function findingFor(folder: AnalyzedFolder, path: string, ruleId: string, range: Range, message?: string): Finding | undefined {
  const candidates = folder.result?.byFile.get(path)?.filter((f) => f.ruleId === ruleId && sameRange(f.range, range)) ?? [];
  return (message !== undefined ? candidates.find((f) => f.message === message) : undefined) ?? candidates[0];
}

/**
 * Code actions for a document: a quick fix per fixable diagnostic, the two ignore actions per
 * diagnostic, and "fix all" for the file. Diagnostics computed from another version of the file
 * than the current one get nothing: their ranges may point anywhere.
 */
export function provideCodeActions(params: CodeActionParams, path: string, env: CodeActionEnv): CodeAction[] {
  const { folder } = env;
  const read = (p: string): string | undefined => folder.overlay.readFile(p);
  const text = read(path);
  if (text === undefined) {
    return [];
  }
  const currentHash = contentHash(text);
  const only = params.context.only;
  const actions: CodeAction[] = [];
  // An ignore comment for an id no rule has would itself be reported (a parse error of the comment).
  const known = new Set(folder.analyzer.rules.map((r) => r.id));
  if (kindRequested(CodeActionKind.QuickFix, only)) {
    for (const diagnostic of params.context.diagnostics) {
      // A client that does not keep `data` (no codeAction.dataSupport) sends our diagnostic back
      // with its source and code only: it is matched by rule and exact range to the latest findings,
      // which are of the current text; the fix's own basis still guards what it edits.
      const kept = diagnosticData(diagnostic);
      const data =
        kept ??
        (diagnostic.source === DIAGNOSTIC_SOURCE && typeof diagnostic.code === 'string' && diagnostic.data === undefined
          ? { ruleId: diagnostic.code, path, hash: currentHash }
          : undefined);
      if (!data || data.path !== path) {
        continue;
      }
      if (data.hash !== currentHash) {
        env.log(`Not offering fixes for ${data.ruleId} in ${path}: the diagnostic was computed from an older version of the file.`);
        continue;
      }
      const finding = findingFor(folder, path, data.ruleId, diagnostic.range, typeof diagnostic.message === 'string' ? diagnostic.message : undefined);
      if (!finding) {
        // Only a finding of the latest analysis says the diagnostic still stands. Its `data` and hash say
        // only that the file is unchanged: the finding may be gone all the same (the rule turned off, another
        // file fixed), and an ignore comment would silence nothing. Before, such a diagnostic (and, without
        // `data`, one on another line or of another rule) still got the ignore actions.
        continue;
      }
      // Outside every workspace folder the paths a fix writes (secrets.env, .gitignore, the base
      // Dockerfile) would be placed from the file-system root: only the ignore comments, which edit
      // the document itself, are offered there.
      if (finding.fixable && finding.fix && folder.isWorkspaceFolder) {
        const action = quickFix(finding, diagnostic, env);
        if (action) {
          actions.push(action);
        }
      }
      if (!NON_RULE_IDS.has(data.ruleId) && known.has(data.ruleId)) {
        actions.push(...ignoreActions(path, text, data.ruleId, diagnostic, env));
      }
    }
  }
  if (kindRequested(FIX_ALL_KIND, only) && folder.isWorkspaceFolder) {
    const fixAll = fixAllAction(path, env);
    if (fixAll) {
      actions.push(fixAll);
    }
  }
  return withoutRepeats(actions);
}

/**
 * The actions with each one offered once: a request over several diagnostics of one rule on one
 * line (or one fix that serves several findings) made the same title and edit once per diagnostic.
 * The first keeps its place; the diagnostics it resolves are merged into it.
 */
function withoutRepeats(actions: CodeAction[]): CodeAction[] {
  const byKey = new Map<string, CodeAction>();
  const out: CodeAction[] = [];
  for (const action of actions) {
    const key = JSON.stringify([action.title, action.kind, action.edit]);
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, action);
      out.push(action);
    } else if (action.diagnostics) {
      first.diagnostics = [...(first.diagnostics ?? []), ...action.diagnostics.filter((d) => !first.diagnostics?.includes(d))];
    }
  }
  return out;
}

function editFor(changes: readonly FileChange[], env: CodeActionEnv): WorkspaceEdit | undefined {
  return toWorkspaceEdit(
    changes,
    { uriOf: (p) => env.folder.uriOf(p), versionOf: (p) => (env.folder.overlay.isOpen(p) ? env.versionOf(env.folder.uriOf(p)) : null) },
    env.editCaps,
  );
}

/**
 * The finding's fix and whether it may be applied to the files on disk, as `check --fix` decides
 * (see applicableFix); one that could not be computed is logged.
 */
function fixOf(finding: Finding, env: Pick<CodeActionEnv, 'folder' | 'log'>): FixOutcome {
  const outcome = applicableFix(finding, env.folder.overlay);
  if (!outcome.fix) {
    env.log(`No fix of ${finding.ruleId} in ${finding.path}: ${outcome.reason}.`);
  }
  return outcome;
}

function quickFix(finding: Finding, diagnostic: Diagnostic, env: CodeActionEnv): CodeAction | undefined {
  const { fix, reason } = fixOf(finding, env);
  if (!fix) {
    return undefined;
  }
  // Read the disk now: a file changed on disk without a watcher event must not pass as current.
  const stale = staleReason(fix, (p) => env.folder.overlay.readFileFresh(p)) ?? reason;
  if (stale) {
    env.log(`Refusing the fix "${fix.title}" of ${finding.ruleId}: ${stale}.`);
    return undefined;
  }
  const edit = editFor(fix.changes, env);
  if (!edit) {
    return undefined;
  }
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, edit };
}

/** Every fix of the given findings that applies without conflict, as one change list. */
export function combineFixes(
  findings: readonly Finding[],
  env: Pick<CodeActionEnv, 'folder' | 'log' | 'editCaps'>,
  /** Another fix of the same pass applies elsewhere (another workspace folder): roadmap items wait. */
  othersApply = false,
): { changes: FileChange[]; applied: Fix[]; appliedFindings: Finding[]; skipped: { fix: Fix; finding: Finding; reason: string }[] } {
  const fixes: Fix[] = [];
  const origin = new Map<Fix, Finding>();
  // A fix that creates or renames a file, for a client that cannot: left out and said, so the
  // other fixes still go in one edit (one such fix used to make the whole edit impossible).
  const inexpressible: { fix: Fix; finding: Finding; reason: string }[] = [];
  for (const f of findings) {
    if (!f.fixable) {
      continue;
    }
    const { fix, reason: blocked } = fixOf(f, env);
    if (fix && !canExpress(fix.changes, env.editCaps)) {
      inexpressible.push({ fix, finding: f, reason: 'it creates or renames a file, which this client does not accept in an edit' });
    } else if (fix && blocked) {
      inexpressible.push({ fix, finding: f, reason: blocked });
    } else if (fix) {
      fixes.push(fix);
      origin.set(fix, f);
    }
  }
  // A roadmap item is ticked or unticked in a pass with no other fix, as by `check --fix`.
  const last = (fix: Fix): boolean => FIXED_LAST_RULES.has(origin.get(fix)!.ruleId);
  const waiting = othersApply ? fixes.filter(last) : [];
  const result = applyFixes(
    fixes.filter((f) => !waiting.includes(f)),
    (p) => env.folder.overlay.readFile(p),
    last,
  );
  result.skipped.push(...waiting.map((fix) => ({ fix, reason: WAITS_FOR_OTHER_FIXES })));
  // Several findings may offer one and the same fix (it declares every missing volume, moves every
  // package of a RUN), or the same edit (add secrets.env to one env_file:): applyFixes counts each
  // as applied, and its changes hold each edit once.
  return {
    changes: result.changes,
    applied: result.applied,
    appliedFindings: result.applied.map((fix) => origin.get(fix)!),
    skipped: [...inexpressible, ...result.skipped.map((s) => ({ fix: s.fix, finding: origin.get(s.fix)!, reason: s.reason }))],
  };
}

function fixAllAction(path: string, env: CodeActionEnv): CodeAction | undefined {
  const findings = env.folder.result?.byFile.get(path) ?? [];
  const { changes, applied } = combineFixes(findings, env);
  if (applied.length === 0) {
    return undefined;
  }
  const edit = editFor(changes, env);
  return edit && { title: 'Fix all docker-modularity problems', kind: FIX_ALL_KIND, edit };
}

/** A suppression comment as the file's language writes one: an HTML comment in Markdown (where `#` is a heading). */
function suppressionComment(path: string, body: string): string {
  return /\.(md|markdown)$/i.test(path) ? `<!-- ${body} -->` : `# ${body}`;
}

/**
 * Where another rule id goes on a line that is a suppression comment with ids (for the whole file
 * or not): after its last id, before a reason or a closing `-->`.
 */
function idListEnd(text: string, fileWide: boolean): number | undefined {
  const comment = parseSuppressionLine(text);
  if (!comment || comment.fileWide !== fileWide || comment.ids.length === 0 || text.slice(0, comment.index).trim() !== '') {
    return undefined;
  }
  return comment.ids[comment.ids.length - 1]!.end;
}

function ignoreActions(path: string, text: string, ruleId: string, diagnostic: Diagnostic, env: CodeActionEnv): CodeAction[] {
  const lines = new LineIndex(text);
  const eol = lines.eol;
  const out: CodeAction[] = [];
  const line = diagnostic.range.start.line;
  if (line < lines.lineCount) {
    const lineChange = ignoreLineChange(path, lines, line, ruleId, eol);
    const edit = editFor([lineChange], env);
    if (edit) {
      out.push({ title: `Ignore ${ruleId} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit });
    }
  }
  const fileChange = ignoreFileChange(path, lines, ruleId, eol);
  const edit = editFor([fileChange], env);
  if (edit) {
    out.push({ title: `Ignore ${ruleId} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit });
  }
  return out;
}

/** Adds the rule to an ignore comment on the line above, or inserts one with the line's indentation. */
export function ignoreLineChange(path: string, lines: LineIndex, line: number, ruleId: string, eol: string): FileChange {
  if (line > 0) {
    const character = idListEnd(lines.lineText(line - 1), false);
    if (character !== undefined) {
      const end = { line: line - 1, character };
      return { kind: 'edit', path, edits: [{ range: { start: end, end }, newText: `, ${ruleId}` }] };
    }
  }
  const indent = /^\s*/.exec(lines.lineText(line))![0];
  const at = { line, character: 0 };
  const newText = `${indent}${suppressionComment(path, `docker-modularity-ignore ${ruleId}`)}${eol}`;
  return { kind: 'edit', path, edits: [{ range: { start: at, end: at }, newText }] };
}

/**
 * Adds the rule to the file's ignore-file comment, or inserts one at the top, below any Dockerfile
 * parser directives (a comment above them would turn them into plain comments).
 */
export function ignoreFileChange(path: string, lines: LineIndex, ruleId: string, eol: string): FileChange {
  for (let l = 0; l < lines.lineCount; l++) {
    const character = idListEnd(lines.lineText(l), true);
    if (character !== undefined) {
      const end = { line: l, character };
      return { kind: 'edit', path, edits: [{ range: { start: end, end }, newText: `, ${ruleId}` }] };
    }
  }
  // A byte order mark the client kept stays first (and does not hide a directive after it).
  const bom = lines.lineText(0).startsWith('\uFEFF') ? 1 : 0;
  let insertAt = 0;
  while (insertAt < lines.lineCount && /^#\s*(syntax|escape|check)\s*=/i.test(lines.lineText(insertAt).slice(insertAt === 0 ? bom : 0))) {
    insertAt++;
  }
  if (insertAt >= lines.lineCount) {
    // Only directives, and no line break after the last one.
    const last = lines.lineCount - 1;
    const end = { line: last, character: lines.lineText(last).length };
    return { kind: 'edit', path, edits: [{ range: { start: end, end }, newText: `${eol}${suppressionComment(path, `docker-modularity-ignore-file ${ruleId}`)}` }] };
  }
  const at = { line: insertAt, character: insertAt === 0 ? bom : 0 };
  const newText = `${suppressionComment(path, `docker-modularity-ignore-file ${ruleId}`)}${eol}`;
  return { kind: 'edit', path, edits: [{ range: { start: at, end: at }, newText }] };
}
