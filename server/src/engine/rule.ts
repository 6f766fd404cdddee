import type { Config, Severity } from './config';
import type { Project, FileModel, TextModel } from './project';
import type { DockerfileModel } from './parse/dockerfile';
import type { ComposeModel } from './parse/compose';
import type { EnvFileModel } from './parse/envfile';
import { rangeKey, type Range } from './text';

/** A text replacement in one file, by range. */
export interface TextEdit {
  range: Range;
  newText: string;
  /**
   * Set on lines added at the end of a file (an env file, a template, `.gitignore`): other fixes'
   * appends at the same point join it, in order, instead of conflicting. `lead` is the line break
   * it starts with because the file has no final one; a second append drops it. Appends with the
   * same `key` (an env file's `KEY=` line) do not join: two values for one key conflict.
   */
  append?: { lead: string; key?: string };
  /**
   * Edits of one scope from different fixes conflict, whatever their ranges: each was computed
   * assuming the others' targets stay (a removal that keeps `environment:` because other entries
   * are left). An edit with several scopes conflicts with an edit of any of them (an entry of an
   * anchored `env_file:` list that every service merging it reads).
   */
  scope?: string | readonly string[];
}

/** One file operation of a fix. A fix may hold several, across files. */
export type FileChange =
  | { kind: 'edit'; path: string; edits: TextEdit[] }
  | { kind: 'create'; path: string; text: string }
  | { kind: 'rename'; from: string; to: string };

/** A fix is data: what to change, where, and the content it was computed from. */
export interface Fix {
  title: string;
  changes: FileChange[];
  /** The content hash of every file the fix reads or edits when it was computed. */
  basis: Record<string, string | null>;
  isPreferred?: boolean;
  /**
   * Files whose reading the fix changes beyond the text it replaces: a misspelt key renamed makes
   * every rule read that service anew (`env_files:` becomes the `env_file:` another fix would add).
   * Such a fix applies first in its pass, and a fix computed from one of these files (its basis
   * holds it) waits for the next pass, to be computed again from the new reading.
   */
  reshapes?: string[];
}

/** Roadmap sections 1–10, plus compose hygiene and the roadmap document. */
export type RuleSection = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 'compose' | 'roadmap';

export interface RuleMeta {
  section: RuleSection;
  /** One sentence: what the rule finds. */
  description: string;
  defaultSeverity: Severity;
  fixable: boolean;
  /**
   * Whether the rule also checks a compose file that could only be read in part (a YAML syntax
   * error, an unresolved alias: see ComposeModel.partial). Other rules skip such a file until it
   * parses: what is missing could be what they look for, and a fix could land in the wrong place.
   */
  checksPartialFiles?: boolean;
}

/** A finding, as every host (CLI, language server, tests) receives it. */
export interface Finding {
  ruleId: string;
  /**
   * Which of its rule's messages it is (install-outside-base's `redundant` or `install`): what kind
   * of finding it is, for a reader that counts some kinds only (a roadmap item). Not shown.
   */
  messageId?: string;
  severity: Severity;
  message: string;
  path: string;
  range: Range;
  /** Computes the fix on demand (fixes read other files; most findings are never fixed). */
  fix?: () => Fix | undefined;
  /** Whether the rule offers a fix for this finding. */
  fixable: boolean;
  /** Extra ranges that matter (e.g. every service an alias reaches). */
  related?: { path: string; range: Range; message: string }[];
}

/** What makes a finding the same finding: its rule, file, range and message. */
export function findingKey(f: Pick<Finding, 'ruleId' | 'path' | 'range' | 'message'>): string {
  return `${f.ruleId}|${f.path}|${rangeKey(f.range)}|${f.message}`;
}

export interface ReportDescriptor<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  range: Range;
  /** The file the finding is on; defaults to the file being checked. */
  path?: string;
  fix?: (fixer: FixBuilder) => void;
  related?: Finding['related'];
}

/** What a rule sees while it checks one file. */
export interface RuleContext<M extends string> {
  readonly project: Project;
  readonly config: Config;
  readonly severity: Severity;
  /**
   * Findings already made on the other files of this run. The roadmap document is checked last,
   * so its rules see every other finding.
   */
  readonly previousFindings: readonly Finding[];
  report(descriptor: ReportDescriptor<M>): void;
  /**
   * Whether a finding of this rule at `range` (of `path`, the file being checked by default) is
   * silenced by a `docker-modularity-ignore` comment, and so never shown. A fix that changes more
   * than its own finding's object (the packages of one install) leaves the silenced ones alone.
   */
  suppressed(range: Range, path?: string): boolean;
}

export interface RuleChecks<M extends string> {
  dockerfile?(file: DockerfileModel, context: RuleContext<M>): void;
  compose?(file: ComposeModel, context: RuleContext<M>): void;
  env?(file: EnvFileModel, context: RuleContext<M>): void;
  text?(file: TextModel, context: RuleContext<M>): void;
}

export interface RuleDefinition<M extends string = string> {
  id: string;
  meta: RuleMeta;
  /** Messages by id; `{{name}}` placeholders are filled from the report's data. */
  messages: Record<M, string>;
  check: RuleChecks<M>;
}

/** Defines a rule; the type parameter makes an unknown messageId a compile error. */
let fileChecks = 0;

/**
 * Marks the start of one file's check. Facts that a file's rules share and that no other file needs
 * for long (the COPY lists of its stages) are kept until the next file's check begins: objects that
 * die young are never promoted to V8's old space, where they would wait for a full collection.
 */
export function beginFileCheck(): void {
  fileChecks++;
}

/**
 * A fact the rules of one file's check ask for again and again (the COPY lists of a stage, the stages
 * a Dockerfile's images hold), computed once per project and key, and kept until the next file's check
 * begins (see {@link beginFileCheck}). `implied` is what the key implies (the Dockerfile of a stage); a
 * fixed parameter, not a rest one: the COPY lists are asked for on the rules' hot paths.
 */
export function fileCheckMemo<K extends object, I, V>(
  compute: (project: Project, key: K, implied: I) => V,
): (project: Project, key: K, implied: I) => V {
  const cache = new WeakMap<Project, { check: number; byKey: Map<K, V> }>();
  return (project, key, implied) => {
    let cached = cache.get(project);
    if (cached?.check !== fileChecks) {
      cached = { check: fileChecks, byKey: new Map() };
      cache.set(project, cached);
    }
    if (cached.byKey.has(key)) {
      return cached.byKey.get(key)!;
    }
    const value = compute(project, key, implied);
    cached.byKey.set(key, value);
    return value;
  };
}

export function defineRule<M extends string>(rule: RuleDefinition<M>): RuleDefinition<M> {
  return rule;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}

/**
 * Collects the changes of one fix. Edits are ranges in the file as it is now; the builder records
 * each file's content hash so a fix computed from an old version is refused when applied.
 */
export class FixBuilder {
  readonly changes: FileChange[] = [];
  readonly basis: Record<string, string | null> = {};
  /** The files the fix changes the reading of (see {@link Fix.reshapes}). */
  private readonly reshapes: string[] = [];
  title = '';
  isPreferred = false;

  constructor(private readonly hashOf: (path: string) => string | null) {}

  setTitle(title: string, preferred = false): this {
    this.title = title;
    this.isPreferred = preferred;
    return this;
  }

  replace(path: string, range: Range, newText: string, scope?: TextEdit['scope']): this {
    this.track(path);
    let change = this.changes.find((c): c is Extract<FileChange, { kind: 'edit' }> => c.kind === 'edit' && c.path === path);
    if (!change) {
      change = { kind: 'edit', path, edits: [] };
      this.changes.push(change);
    }
    change.edits.push(scope === undefined ? { range, newText } : { range, newText, scope });
    return this;
  }

  insert(path: string, at: Range['start'], text: string): this {
    return this.replace(path, { start: at, end: at }, text);
  }

  /**
   * Adds `text` at the end of a file (`at`, where the text as read ends), after `lead` (a line
   * break when the file has no final one). Appends of several fixes to one file apply together.
   */
  append(path: string, at: Range['start'], lead: string, text: string, key?: string): this {
    this.replace(path, { start: at, end: at }, lead + text);
    const change = this.changes.find((c): c is Extract<FileChange, { kind: 'edit' }> => c.kind === 'edit' && c.path === path)!;
    change.edits[change.edits.length - 1]!.append = key === undefined ? { lead } : { lead, key };
    return this;
  }

  remove(path: string, range: Range, scope?: TextEdit['scope']): this {
    return this.replace(path, range, '', scope);
  }

  create(path: string, text: string): this {
    this.track(path);
    this.changes.push({ kind: 'create', path, text });
    return this;
  }

  rename(from: string, to: string): this {
    this.track(from);
    this.track(to);
    this.changes.push({ kind: 'rename', from, to });
    return this;
  }

  /**
   * Records that the fix changes how a file reads, not only its text (see {@link Fix.reshapes}):
   * the other fixes computed from that file wait for the next pass.
   */
  reshape(path: string): this {
    this.track(path);
    if (!this.reshapes.includes(path)) {
      this.reshapes.push(path);
    }
    return this;
  }

  /** Records a file the fix depends on without editing it. */
  track(path: string): this {
    if (!(path in this.basis)) {
      this.basis[path] = this.hashOf(path);
    }
    return this;
  }

  private abandoned = false;

  /**
   * Gives the fix up: a part of it cannot be made (say, a list every alias reads would have to
   * change), and the rest alone would leave the files worse. `build` then returns undefined.
   */
  abandon(): this {
    this.abandoned = true;
    return this;
  }

  build(): Fix | undefined {
    if (this.changes.length === 0 || this.abandoned) {
      return undefined;
    }
    const fix: Fix = { title: this.title, changes: this.changes, basis: this.basis, isPreferred: this.isPreferred };
    return this.reshapes.length > 0 ? { ...fix, reshapes: [...this.reshapes] } : fix;
  }
}

export type AnyFile = FileModel;
