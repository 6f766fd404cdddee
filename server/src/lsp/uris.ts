import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The file-system path of a `file:` URI, or undefined for any other scheme or a malformed URI. */
export function uriToFsPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) {
    return undefined;
  }
  try {
    return nodePath.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function fsPathToUri(fsPath: string): string {
  return pathToFileURL(fsPath).href;
}

const caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';

/**
 * The workspace path (relative to `root`, forward slashes) of an absolute path, or undefined when
 * it lies outside the root.
 */
export function toWorkspacePath(root: string, fsPath: string): string | undefined {
  let rel = nodePath.relative(root, fsPath);
  // Drive letters and folder names may differ in case between the client's URIs and the root.
  if (caseInsensitive && rel.startsWith('..') && fsPath.toLowerCase().startsWith(root.toLowerCase() + nodePath.sep)) {
    rel = fsPath.slice(root.length + 1);
  }
  if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) {
    return undefined;
  }
  return rel.split(nodePath.sep).join('/');
}

/** The absolute path of a workspace path. */
export function fromWorkspacePath(root: string, path: string): string {
  return nodePath.join(root, ...path.split('/'));
}
