import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Severity } from '../engine/config';
import type { Finding } from '../engine/rule';
import { DIAGNOSTIC_SOURCE, ruleDocUrl, type DiagnosticData } from '../protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Rule ids the engine uses for problems that are not a rule's (no doc page, no ignore action). */
export const NON_RULE_IDS: ReadonlySet<string> = new Set(['internal-error', 'config']);

export interface DiagnosticOptions {
  /** Whether the client renders `relatedInformation`. */
  relatedInformation: boolean;
  /** Whether the client renders `codeDescription`. */
  codeDescription: boolean;
  uriOf(path: string): string;
}

/** A finding as an LSP diagnostic: `code` is the rule id; `data` lets a code action find it again. */
export function toDiagnostic(finding: Finding, hash: string | null, options: DiagnosticOptions): Diagnostic {
  const data: DiagnosticData = { ruleId: finding.ruleId, path: finding.path, hash };
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITY[finding.severity] ?? DiagnosticSeverity.Warning,
    code: finding.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
    data,
  };
  if (options.codeDescription && !NON_RULE_IDS.has(finding.ruleId)) {
    diagnostic.codeDescription = { href: ruleDocUrl(finding.ruleId) };
  }
  if (options.relatedInformation && finding.related && finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map(
      (r): DiagnosticRelatedInformation => ({ location: { uri: options.uriOf(r.path), range: r.range }, message: r.message }),
    );
  }
  return diagnostic;
}

/** Reads a diagnostic's `data` back, or undefined when it is not one of ours. */
export function diagnosticData(d: Diagnostic): DiagnosticData | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE || typeof d.data !== 'object' || d.data === null) {
    return undefined;
  }
  const data = d.data as Partial<DiagnosticData>;
  if (typeof data.ruleId !== 'string' || typeof data.path !== 'string') {
    return undefined;
  }
  return { ruleId: data.ruleId, path: data.path, hash: typeof data.hash === 'string' ? data.hash : null };
}
