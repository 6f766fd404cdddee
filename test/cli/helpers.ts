import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const EXAMPLE = path.join(REPO, 'examples', 'smarthr360');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/cli.js when it is missing or older than the server sources. */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(path.join(REPO, 'server', 'src')), fs.statSync(path.join(REPO, 'package.json')).mtimeMs);
  if (fs.existsSync(CLI) && fs.statSync(CLI).mtimeMs >= sources) {
    return;
  }
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  }
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process, without colour unless the env asks otherwise. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliRun {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
  for (const k of Object.keys(env)) {
    if (env[k] === undefined) {
      delete env[k];
    }
  }
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temps: string[] = [];

/** A fresh temporary folder, removed by {@link cleanTemps}. */
export function tempDir(prefix = 'dm-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A writable copy of the example workspace. */
export function copyExample(): string {
  const dir = path.join(tempDir(), 'smarthr360');
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  makeWritable(dir);
  return dir;
}

function makeWritable(p: string): void {
  const st = fs.statSync(p);
  fs.chmodSync(p, st.mode | 0o200);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p)) {
      makeWritable(path.join(p, name));
    }
  }
}

/** Writes files (path → text or bytes) under a folder, creating folders. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [p, content] of Object.entries(files)) {
    const abs = path.join(root, p);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
}

export function cleanTemps(): void {
  for (const dir of temps.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fixable: boolean;
}

export function parseFindings(stdout: string): JsonFinding[] {
  const data = JSON.parse(stdout) as { findings: JsonFinding[] };
  return data.findings;
}

/** The ids of the rules the built CLI registers. */
export function registeredRules(): {
  id: string;
  fixable: boolean;
  defaultLevel: string;
  section: string | number;
  doc: string;
}[] {
  const r = runCli(['rules', '--format', 'json']);
  if (r.status !== 0) {
    throw new Error(`rules failed: ${r.stderr}`);
  }
  return (JSON.parse(r.stdout) as { rules: ReturnType<typeof registeredRules> }).rules;
}
