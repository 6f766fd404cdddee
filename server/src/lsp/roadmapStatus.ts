import type { AnalysisResult } from '../engine/analyzer';
import { roadmapStatus, serializeSections } from '../engine/roadmap';
import type { Finding } from '../engine/rule';
import type { RoadmapFinding, RoadmapStatus, WireRange } from '../protocol';

/** Where a folder stands before its first analysis, or with checking turned off for it (`disabled`). */
export function emptyRoadmapStatus(folder: string, name: string, disabled = false): RoadmapStatus {
  return {
    folder,
    name,
    files: 0,
    sections: [],
    totals: { passed: 0, checkable: 0, errors: 0, warnings: 0 },
    findings: [],
    ...(disabled ? { disabled: true as const } : {}),
  };
}

/**
 * A folder's roadmap status as plain JSON, from the engine's `roadmapStatus` over the latest
 * analysis result (nothing is analysed here). `owns`: whether the folder owns a file's findings;
 * in nested workspace folders a file's are the innermost folder's (as its diagnostics and quick
 * fixes are), so the folders around it leave them out and nothing is listed or counted twice.
 * `configErrorRange`: where the config file goes wrong, as its diagnostic says.
 */
export function toRoadmapStatus(
  folder: string,
  name: string,
  analysis: Pick<AnalysisResult, 'project' | 'findings' | 'files' | 'configError'>,
  uriOf: (path: string) => string,
  owns: (path: string) => boolean = () => true,
  configErrorRange?: WireRange,
): RoadmapStatus {
  const findings = analysis.findings.filter((f) => owns(f.path));
  const result = findings.length === analysis.findings.length ? analysis : { ...analysis, findings };
  const status = roadmapStatus(result);
  const finding = (f: Finding): RoadmapFinding => ({
    ruleId: f.ruleId,
    message: f.message,
    severity: f.severity,
    uri: uriOf(f.path),
    path: f.path,
    range: { start: { ...f.range.start }, end: { ...f.range.end } },
    fixable: f.fixable,
  });
  const counts = new Map<string, { ruleId: string; severity: string; count: number }>();
  for (const f of result.findings) {
    const entry = counts.get(f.ruleId) ?? { ruleId: f.ruleId, severity: f.severity, count: 0 };
    entry.count++;
    counts.set(f.ruleId, entry);
  }
  const base = result.project.baseDockerfile;
  return {
    folder,
    name,
    baseDockerfile: base ? { path: base.path, reason: result.project.baseReason } : undefined,
    files: result.files.length,
    sections: serializeSections(status, finding),
    totals: { passed: status.passed, checkable: status.checkable, errors: status.errors, warnings: status.warnings },
    findings: [...counts.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
    configError: result.configError?.message,
    configErrorLocation:
      result.configError && configErrorRange ? { uri: uriOf(result.configError.file), range: configErrorRange } : undefined,
  };
}
