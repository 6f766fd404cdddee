// Language-server latency: the bundled server over stdio, driven like an editor would.
//
// Edits go in as incremental didChange notifications (the server's sync kind) with
// initializationOptions.validationDelay = 0, so no debounce is measured. The end of an edit is the
// last publishDiagnostics the server sends for it: the server logs "Analysed …" (window/logMessage)
// and then publishes every file whose diagnostics changed plus the edited file, all in the same
// turn of its event loop. After that log we send a request the server does not know (answered at
// once with MethodNotFound): its answer comes after every notification written before it, so the
// latency is (last publishDiagnostics before that answer) − (didChange sent).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

const uriOf = (root, p) => pathToFileURL(join(root, p)).href;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

function peakRssMB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? +(Number(m[1]) / 1024).toFixed(1) : undefined;
  } catch {
    return undefined;
  }
}

export function percentile(xs, p) {
  if (xs.length === 0) {
    return NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * Runs the server on `root`, measures spawn → initialize, the initial diagnostics, then `edits`
 * didChanges in each of `targets` ({ label, path, languageId, marker }: typing happens right before
 * the closing quote of the first line containing `marker`). Each target stops early when `budgetMs`
 * is spent. Always kills the server. `nodeFlags`: Node/V8 options the server runs with (the
 * client's, from server/serverProcess.json).
 */
export async function measureLanguageServer({ serverJs, root, targets, edits, budgetMs, timeoutMs = 120_000, log = () => {}, nodeFlags = [] }) {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, serverJs, '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const publishes = []; // { t, uri, n }
  let analysedWaiter;
  const analysedLog = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) =>
    publishes.push({ t: performance.now(), uri: p.uri, n: p.diagnostics.length }),
  );
  conn.onNotification('window/logMessage', (m) => {
    const match = /^Analysed .*: (\d+) files, (\d+) findings, (\d+) checked, (\d+) reused \((\d+) ms\)/.exec(m.message);
    if (match) {
      const entry = {
        t: performance.now(),
        files: +match[1],
        findings: +match[2],
        checked: +match[3],
        reused: +match[4],
        serverMs: +match[5],
      };
      analysedLog.push(entry);
      analysedWaiter?.(entry);
    } else if (m.type === 1) {
      log(`server error: ${m.message}`);
    }
  });
  conn.onNotification(() => undefined);
  conn.onRequest(() => null);
  conn.listen();

  const nextAnalysis = (what) =>
    withTimeout(
      new Promise((resolve) => {
        analysedWaiter = (e) => {
          analysedWaiter = undefined;
          resolve(e);
        };
      }),
      timeoutMs,
      what,
    );
  /** Resolves once every notification the server sent so far has arrived; returns the time of the last publish after `since`. */
  const settle = async (since) => {
    await conn.sendRequest('$bench/ping').catch(() => undefined);
    let last;
    for (let i = publishes.length - 1; i >= 0 && publishes[i].t >= since; i--) {
      last ??= publishes[i];
    }
    return { lastPublish: last?.t, published: publishes.filter((p) => p.t >= since) };
  };

  const result = { pid: child.pid };
  try {
    const initialize = conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'bench' }],
      capabilities: {
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true } },
      },
      initializationOptions: { validationDelay: 0 },
    });
    await withTimeout(
      Promise.race([
        initialize,
        exited.then((e) => Promise.reject(new Error(`server exited (${JSON.stringify(e)}): ${stderr}`))),
      ]),
      timeoutMs,
      'initialize',
    );
    result.initializeMs = performance.now() - spawnedAt;
    const initializedAt = performance.now();
    const first = nextAnalysis('the initial analysis');
    await conn.sendNotification('initialized', {});
    const firstAnalysis = await first;
    const initial = await settle(initializedAt);
    result.initialDiagnosticsMs = (initial.lastPublish ?? firstAnalysis.t) - initializedAt;
    result.initialPublishedFiles = initial.published.length;
    result.files = firstAnalysis.files;
    result.findings = firstAnalysis.findings;
    log(
      `  initialize ${result.initializeMs.toFixed(0)} ms, initial diagnostics ${result.initialDiagnosticsMs.toFixed(0)} ms (${firstAnalysis.files} files)`,
    );

    result.edits = {};
    for (const target of targets) {
      const uri = uriOf(root, target.path);
      const text = readFileSync(join(root, target.path), 'utf8');
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes(target.marker));
      if (line < 0) {
        throw new Error(`${target.path} has no line with ${target.marker}`);
      }
      const startCol = lines[line].lastIndexOf('"');
      const opened = performance.now();
      const openAnalysis = nextAnalysis(`the analysis after opening ${target.path}`);
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: target.languageId, version: 1, text },
      });
      await openAnalysis;
      await settle(opened);
      const samples = [];
      const publishedCounts = [];
      const checked = [];
      const serverMs = [];
      let version = 1;
      const started = performance.now();
      for (let i = 0; i < edits && (i < 5 || performance.now() - started < budgetMs); i++) {
        const pos = { line, character: startCol + i };
        const analysed = nextAnalysis(`the analysis after edit ${i} of ${target.path}`);
        const t0 = performance.now();
        await conn.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start: pos, end: pos }, text: String.fromCharCode(97 + (i % 26)) }],
        });
        const a = await analysed;
        const s = await settle(t0);
        if (!s.published.some((p) => p.uri === uri)) {
          throw new Error(`no publishDiagnostics for the edited file ${target.path} after edit ${i}`);
        }
        samples.push((s.lastPublish ?? a.t) - t0);
        publishedCounts.push(s.published.length);
        checked.push(a.checked);
        serverMs.push(a.serverMs);
      }
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      result.edits[target.label] = {
        path: target.path,
        n: samples.length,
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        p99: percentile(samples, 99),
        max: Math.max(...samples),
        publishedPerEdit: percentile(publishedCounts, 50),
        checkedPerEdit: percentile(checked, 50),
        serverAnalyzeMsP50: percentile(serverMs, 50),
      };
      const e = result.edits[target.label];
      log(
        `  ${target.label}: ${e.n} edits, p50 ${e.p50.toFixed(1)} ms, p95 ${e.p95.toFixed(1)} ms, p99 ${e.p99.toFixed(1)} ms (${e.checkedPerEdit} files re-checked per edit)`,
      );
    }
    result.peakRssMB = peakRssMB(child.pid);
    await withTimeout(conn.sendRequest('shutdown'), 10_000, 'shutdown').catch(() => undefined);
    await conn.sendNotification('exit').catch(() => undefined);
    await withTimeout(exited, 5_000, 'the server to exit').catch(() => undefined);
  } catch (e) {
    result.error = `${e instanceof Error ? e.message : String(e)}${stderr ? `\nserver stderr: ${stderr}` : ''}`;
  } finally {
    conn.dispose();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
  return result;
}
