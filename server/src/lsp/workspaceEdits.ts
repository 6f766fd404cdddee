import {
  CreateFile,
  RenameFile,
  TextDocumentEdit,
  TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { FileChange } from '../engine/rule';
import { combineChanges } from '../engine/fixes';

export interface EditTarget {
  uriOf(path: string): string;
  /** The version of an open document, or null when it is closed. */
  versionOf(path: string): number | null;
}

export interface EditCapabilities {
  /** `workspace.workspaceEdit.documentChanges`. */
  documentChanges: boolean;
  /** `workspace.workspaceEdit.resourceOperations` includes create and rename. */
  create: boolean;
  rename: boolean;
}

/**
 * The engine's file changes as one WorkspaceEdit: a versioned TextDocumentEdit per file (all its
 * edits together, since later TextDocumentEdits on one document would see shifted positions),
 * file creations where they come, renames last (edits address files by their old names). Returns
 * undefined when the client cannot apply it.
 */
/** Whether a client with these capabilities can receive these changes in one WorkspaceEdit. */
export function canExpress(changes: readonly FileChange[], caps: EditCapabilities): boolean {
  if (!caps.documentChanges) {
    return changes.every((c) => c.kind === 'edit');
  }
  return !(changes.some((c) => c.kind === 'create') && !caps.create) && !(changes.some((c) => c.kind === 'rename') && !caps.rename);
}

export function toWorkspaceEdit(written: readonly FileChange[], target: EditTarget, caps: EditCapabilities): WorkspaceEdit | undefined {
  // A fix that creates a file and then edits it (fills a template's `KEY=` line): one creation.
  const changes = combineChanges(written);
  if (!canExpress(changes, caps)) {
    return undefined;
  }
  if (!caps.documentChanges) {
    const byUri: Record<string, TextEdit[]> = {};
    for (const c of changes) {
      if (c.kind === 'edit') {
        const uri = target.uriOf(c.path);
        (byUri[uri] ??= []).push(...c.edits.map((e) => TextEdit.replace(e.range, e.newText)));
      }
    }
    return { changes: byUri };
  }
  const operations: (TextDocumentEdit | CreateFile | RenameFile)[] = [];
  const renames: RenameFile[] = [];
  const editsByPath = new Map<string, TextDocumentEdit>();
  for (const c of changes) {
    if (c.kind === 'edit') {
      let edit = editsByPath.get(c.path);
      if (!edit) {
        edit = TextDocumentEdit.create({ uri: target.uriOf(c.path), version: target.versionOf(c.path) }, []);
        editsByPath.set(c.path, edit);
        operations.push(edit);
      }
      edit.edits.push(...c.edits.map((e) => TextEdit.replace(e.range, e.newText)));
    } else if (c.kind === 'create') {
      const uri = target.uriOf(c.path);
      operations.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }));
      if (c.text !== '') {
        operations.push(TextDocumentEdit.create({ uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, c.text)]));
      }
    } else {
      renames.push(RenameFile.create(target.uriOf(c.from), target.uriOf(c.to), { overwrite: false, ignoreIfExists: false }));
    }
  }
  return { documentChanges: [...operations, ...renames] };
}
