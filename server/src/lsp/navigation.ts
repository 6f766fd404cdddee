import { MarkupKind, type DocumentLink, type Hover, type Location, type Position } from 'vscode-languageserver';
import type { Copy } from 'dockerfile-ast';
import type { AnalysisResult } from '../engine/analyzer';
import type { FileSystemView } from '../engine/fs';
import type { ComposeModel, TopLevelEntry } from '../engine/parse/compose';
import { findStage, type DockerfileModel, type Stage } from '../engine/parse/dockerfile';
import { dirname, isAbsolutePath, joinPath, isInsideWorkspace } from '../engine/paths';
import type { Project } from '../engine/project';
import type { Range } from '../engine/text';

/** Something in a file that names another place: a path, a stage, a volume or network. */
export interface Reference {
  /** Where the name is written. */
  range: Range;
  /** The workspace path it leads to. */
  path: string;
  isDirectory: boolean;
  /** Where in the target; the start of the file when absent. */
  targetRange?: Range;
  /** A file or folder path (shown as a document link), rather than a name. */
  isPath: boolean;
  tooltip: string;
}

const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** Every reference in a file of the latest analysis. */
export function referencesIn(result: AnalysisResult, fs: FileSystemView, path: string): Reference[] {
  const model = result.project.file(path);
  if (model?.kind === 'dockerfile') {
    return dockerfileReferences(result.project, model);
  }
  if (model?.kind === 'compose') {
    return composeReferences(result.project, model, fs);
  }
  return [];
}

function fromLine(stage: Stage): Range {
  return stage.fromInstruction.getRange();
}

function imageTarget(project: Project, image: string, range: Range, fromPath: string): Reference | undefined {
  const build = project.buildsOf(image)[0];
  if (!build || build.dockerfile === fromPath || !isInsideWorkspace(build.dockerfile) || !project.dockerfile(build.dockerfile)) {
    return undefined;
  }
  const target = project.dockerfile(build.dockerfile)!;
  const final = project.finalStage(target);
  const isBase = project.isBaseDockerfile(build.dockerfile);
  return {
    range,
    path: build.dockerfile,
    isDirectory: false,
    targetRange: final ? fromLine(final) : START,
    isPath: true,
    tooltip: `${isBase ? 'Base image' : 'Image'} ${image}, built by ${build.dockerfile}`,
  };
}

function dockerfileReferences(project: Project, model: DockerfileModel): Reference[] {
  const out: Reference[] = [];
  for (const stage of model.stages) {
    const target = project.resolveFrom(model, stage);
    if (target.kind === 'stage') {
      out.push({ range: stage.fromRange, path: model.path, isDirectory: false, targetRange: fromLine(target.stage), isPath: false, tooltip: `Stage ${target.stage.name ?? target.stage.index}` });
    } else if (target.kind === 'workspace') {
      const ref = imageTarget(project, target.tag, stage.fromRange, model.path);
      if (ref) {
        out.push(ref);
      }
    } else if (project.baseDockerfile && project.isBaseImage(stage.fromImage) && project.baseDockerfile.path !== model.path) {
      // The configured baseImage, built by a Dockerfile no compose file or script names.
      const final = project.finalStage(project.baseDockerfile);
      out.push({ range: stage.fromRange, path: project.baseDockerfile.path, isDirectory: false, targetRange: final ? fromLine(final) : START, isPath: true, tooltip: `Base image ${stage.fromImage}, built by ${project.baseDockerfile.path}` });
    }
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'COPY') {
        continue;
      }
      const flag = (instruction as Copy).getFromFlag?.();
      const value = flag?.getValue();
      const valueRange = flag?.getValueRange();
      if (!value || !valueRange) {
        continue;
      }
      const s = findStage(model, value, stage.index);
      if (s) {
        out.push({ range: valueRange, path: model.path, isDirectory: false, targetRange: fromLine(s), isPath: false, tooltip: `Stage ${s.name ?? s.index}` });
      } else {
        const ref = imageTarget(project, value, valueRange, model.path);
        if (ref) {
          out.push(ref);
        }
      }
    }
  }
  return out;
}

function declaration(project: Project, model: ComposeModel, kind: 'volumes' | 'networks', name: string): { path: string; entry: TopLevelEntry } | undefined {
  const files = project.composeProjects.find((p) => p.files.includes(model))?.files ?? [model];
  for (const f of [model, ...files.filter((x) => x !== model)]) {
    const entry = f[kind].find((e) => e.name === name);
    if (entry) {
      return { path: f.path, entry };
    }
  }
  return undefined;
}

function composeReferences(project: Project, model: ComposeModel, fs: FileSystemView): Reference[] {
  const out: Reference[] = [];
  const dir = dirname(model.path);
  const pathRef = (range: Range, raw: string, base: string, tooltip: string, targetRange?: Range): void => {
    if (raw === '' || /\$/.test(raw) || isAbsolutePath(raw) || /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      return;
    }
    const path = joinPath(base, raw);
    const kind = isInsideWorkspace(path) ? fs.stat(path) : undefined;
    if (kind) {
      out.push({ range, path, isDirectory: kind === 'directory', targetRange, isPath: true, tooltip });
    }
  };
  for (const inc of model.includes) {
    if (!inc.viaAlias) {
      pathRef(inc.range, inc.value, dir, 'Included compose file');
    }
  }
  for (const def of model.services) {
    const build = def.build;
    if (build && !build.inline) {
      const context = joinPath(dir, build.context);
      if (build.contextRange && !/^[a-z][a-z0-9+.-]*:\/\//i.test(build.context)) {
        pathRef(build.contextRange, build.context, dir, `Build context of ${def.name}`);
      }
      if (build.dockerfileRange && build.dockerfile) {
        pathRef(build.dockerfileRange, build.dockerfile, context, `Dockerfile of ${def.name}`);
      }
    }
    if (def.extends?.file && !def.extends.file.viaAlias) {
      pathRef(def.extends.file.range, def.extends.file.value, dir, `Compose file ${def.name} extends`);
    }
    for (const e of def.envFiles) {
      if (!e.viaAlias) {
        pathRef(e.range, e.path, dir, `Env file of ${def.name}`);
      }
    }
    for (const v of def.volumes) {
      if (v.viaAlias || !v.source || !v.sourceRange) {
        continue;
      }
      if (v.type === 'volume') {
        const decl = declaration(project, model, 'volumes', v.source);
        if (decl) {
          out.push({ range: v.sourceRange, path: decl.path, isDirectory: false, targetRange: decl.entry.keyRange, isPath: false, tooltip: `Volume ${v.source}` });
        }
      } else if (v.type === 'bind') {
        pathRef(v.sourceRange, v.source, dir, `Mounted into ${def.name} at ${v.target}`);
      }
    }
    for (const n of def.networks) {
      if (n.viaAlias) {
        continue;
      }
      const decl = declaration(project, model, 'networks', n.value);
      if (decl) {
        out.push({ range: n.range, path: decl.path, isDirectory: false, targetRange: decl.entry.keyRange, isPath: false, tooltip: `Network ${n.value}` });
      }
    }
  }
  return out;
}

/**
 * Go to Definition. A build context leads to the Dockerfile the service builds, when there is
 * one: editors open files, not folders.
 */
export function definitionAt(result: AnalysisResult, fs: FileSystemView, path: string, position: Position, uriOf: (p: string) => string): Location[] {
  const ref = referencesIn(result, fs, path).find((r) => contains(r.range, position));
  if (!ref) {
    return [];
  }
  if (ref.isDirectory) {
    const model = result.project.file(path);
    const service = model?.kind === 'compose' ? result.project.services.find((s) => s.build?.def.path === path && s.build.def.build?.contextRange && contains(s.build.def.build.contextRange, position)) : undefined;
    if (service?.build && fs.stat(service.build.dockerfile) === 'file') {
      return [{ uri: uriOf(service.build.dockerfile), range: START }];
    }
    // No Dockerfile to open there (it is missing): nothing, rather than the folder, which an
    // editor would try to open as a document.
    return [];
  }
  return [{ uri: uriOf(ref.path), range: ref.targetRange ?? START }];
}

/** Document links: every path reference (files and folders), and FROM lines of workspace-built images. */
export function documentLinks(result: AnalysisResult, fs: FileSystemView, path: string, uriOf: (p: string) => string): DocumentLink[] {
  return referencesIn(result, fs, path)
    .filter((r) => r.isPath)
    .map((r) => {
      let target = uriOf(r.path);
      if (r.targetRange && r.targetRange !== START && !r.isDirectory) {
        target += `#L${r.targetRange.start.line + 1}`;
      }
      return { range: r.range, target, tooltip: r.tooltip };
    });
}

/** Hover on a `FROM` of the base image: which Dockerfile builds it and which services build on it. */
export function hoverAt(result: AnalysisResult, path: string, position: Position, uriOf: (p: string) => string): Hover | null {
  const { project } = result;
  const model = project.dockerfile(path);
  const base = project.baseDockerfile;
  if (!model || !base) {
    return null;
  }
  const stage = model.stages.find((s) => contains(s.fromRange, position));
  if (!stage || model.path === base.path) {
    return null;
  }
  const target = project.resolveFrom(model, stage);
  const isBase = (target.kind === 'workspace' && (target.dockerfile === base.path || project.isBaseImage(target.tag))) || project.isBaseImage(stage.fromImage);
  if (!isBase) {
    return null;
  }
  // In a monorepo with one base per stack, the base this FROM is built on (its chain reaches it),
  // not the primary one: before, ml's FROM acme/ml-base said "Built by platform/…/Dockerfile".
  const built = project.chainBaseOf(model, stage) ?? base.path;
  const primary = built === base.path;
  const builtOn = (s: (typeof project.services)[number]): boolean => {
    if (project.basePaths.length <= 1) {
      return true;
    }
    const d = s.build ? project.dockerfile(s.build.dockerfile) : undefined;
    const final = d?.stages[d.stages.length - 1];
    return d !== undefined && final !== undefined && project.baseOf(d, final)?.path === built;
  };
  const services = project.services.filter((s) => project.isApplicationService(s) && builtOn(s));
  const reason = primary && project.baseReason ? ` — ${project.baseReason}` : '';
  const lines = [
    `**Base image** \`${stage.fromImage}\``,
    '',
    `Built by [${built}](${uriOf(built)})${reason}.`,
    '',
    services.length > 0
      ? `Services built on it: ${services.map((s) => `\`${s.name}\` (${s.build?.dockerfile ?? s.project.root.path})`).join(', ')}.`
      : 'No compose service is built on it yet.',
  ];
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: stage.fromRange };
}
