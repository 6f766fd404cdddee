/**
 * The engine's public API, for hosts that embed it in-process (and the `dist/engine.js` bundle the
 * benchmark loads). Pure: no Node APIs; the host supplies the files through a {@link FileSystemView}.
 */
export { Analyzer } from './analyzer';
export type { AnalysisResult, AnalysisStats, AnalyzerOptions } from './analyzer';
export { MemoryFileSystem } from './fs';
export type { FileSystemView, SkippedFile, SkipReason } from './fs';
export { applyFixes, applyTextEdits } from './fixes';
export type { AppliedFixes } from './fixes';
export { RULES, findRule } from './rules';
export { roadmapStatus } from './roadmap';
export type { RoadmapStatus } from './roadmap';
export { defaultConfig, mergeConfig, parseConfig, ConfigError, CONFIG_FILE_NAMES } from './config';
export type { Config, Level, Severity } from './config';
export type { Finding, Fix, FileChange, RuleDefinition, RuleMeta, TextEdit } from './rule';
export type { Position, Range } from './text';
export type { FileModel, FileKind } from './project';
