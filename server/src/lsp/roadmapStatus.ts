import type { AnalysisResult } from '../engine/analyzer';
import { roadmapStatus, serializeSections, type ItemStatus } from '../engine/roadmap';
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
 * fixes are), so the folders around it leave them out of what they list and count, and nothing is
 * listed or counted twice. The items' states still come from all the folder's findings, as its
 * roadmap claim diagnostics do: an item failed only by a nested folder's findings fails here too.
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
  const all = roadmapStatus(analysis);
  const status =
    findings.length === analysis.findings.length
      ? all
      : {
          ...all,
          sections: all.sections.map((sec) => ({ ...sec, items: sec.items.map((i) => ownItem(i, owns)) })),
          errors: findings.filter((f) => f.severity === 'error').length,
          warnings: findings.filter((f) => f.severity === 'warning').length,
        };
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
  for (const f of findings) {
    const entry = counts.get(f.ruleId) ?? { ruleId: f.ruleId, severity: f.severity, count: 0 };
    entry.count++;
    counts.set(f.ruleId, entry);
  }
  const base = analysis.project.baseDockerfile;
  return {
    folder,
    name,
    baseDockerfile: base ? { path: base.path, reason: analysis.project.baseReason } : undefined,
    files: analysis.files.length,
    sections: serializeSections(status, finding),
    totals: { passed: status.passed, checkable: status.checkable, errors: status.errors, warnings: status.warnings },
    findings: [...counts.values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)),
    configError: analysis.configError?.message,
    configErrorLocation:
      analysis.configError && configErrorRange ? { uri: uriOf(analysis.configError.file), range: configErrorRange } : undefined,
  };
}

/** An item with only the findings the folder owns listed; the others are said in its detail. */
function ownItem(item: ItemStatus, owns: (path: string) => boolean): ItemStatus {
  const listed = item.findings.filter((f) => owns(f.path));
  const elsewhere = item.findings.length - listed.length;
  if (elsewhere === 0) {
    return item;
  }
  const some = elsewhere === 1 ? '1 finding' : `${elsewhere} findings`;
  return { ...item, findings: listed, detail: `${item.detail} ${some} in nested workspace folders, listed under them.` };
}
