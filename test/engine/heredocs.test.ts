/**
 * The engine answers dockerfile-ast's getHeredocs without the library's scan for instructions that
 * have no argument starting with `<<` (server/src/engine/parse/dockerfile.ts). These tests hold the
 * answer to the library's own: a second, unpatched copy of dockerfile-ast is loaded and both parse
 * the same texts, a realistic Django + Celery Dockerfile and random instructions built of the tokens
 * here-documents are made of.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type * as DockerfileAst from 'dockerfile-ast';
import type { Instruction } from 'dockerfile-ast';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { parseDockerfile } from '../../server/src/engine/parse/dockerfile';
import { fuzzParams } from '../reliability/helpers';

/** dockerfile-ast as published: loaded again beside the engine's patched copy, which stays in the cache. */
function unpatchedDockerfileAst(): typeof DockerfileAst {
  const req = createRequire(__filename);
  const entry = req.resolve('dockerfile-ast');
  const folder = entry.slice(0, entry.lastIndexOf('dockerfile-ast') + 'dockerfile-ast'.length);
  const kept = Object.keys(req.cache).filter((k) => k.startsWith(folder));
  const saved = new Map(kept.map((k) => [k, req.cache[k]]));
  for (const k of kept) {
    delete req.cache[k];
  }
  try {
    return req('dockerfile-ast') as typeof DockerfileAst;
  } finally {
    for (const k of Object.keys(req.cache).filter((k) => k.startsWith(folder))) {
      delete req.cache[k];
    }
    for (const [k, m] of saved) {
      req.cache[k] = m;
    }
  }
}

const original = unpatchedDockerfileAst();

interface HeredocView {
  name: string;
  start: string;
  content: string | null;
  delimiter: string | null;
}

type Outcome = { threw: true } | { threw: false; heredocs: HeredocView[] };

const where = (
  r: { start: { line: number; character: number }; end: { line: number; character: number } } | null,
): string | null => r && `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

function heredocsOf(instruction: Instruction): Outcome {
  const withHeredocs = instruction as unknown as {
    getHeredocs?(): { getName(): string; getStartRange(): never; getContentRange(): never; getDelimiterRange(): never }[];
  };
  try {
    const heredocs = (withHeredocs.getHeredocs?.() ?? []).map((h) => ({
      name: h.getName(),
      start: where(h.getStartRange())!,
      content: where(h.getContentRange()),
      delimiter: where(h.getDelimiterRange()),
    }));
    return { threw: false, heredocs };
  } catch {
    return { threw: true };
  }
}

function compare(path: string, text: string): void {
  const ours = parseDockerfile(path, text).ast.getInstructions();
  const theirs = original.DockerfileParser.parse(text).getInstructions();
  assert.equal(ours.length, theirs.length);
  ours.forEach((instruction, i) => {
    const expected = heredocsOf(theirs[i]!);
    const actual = heredocsOf(instruction);
    const declares = instruction.getArguments().some((a) => a.getValue().startsWith('<<'));
    if (expected.threw && !declares) {
      // The library's scan failed where no here-document is declared: the engine answers none.
      assert.deepEqual(actual, { threw: false, heredocs: [] });
    } else {
      assert.deepEqual(actual, expected, `instruction ${i + 1} (${instruction.getKeyword()}) of ${JSON.stringify(text)}`);
    }
  });
}

const WORKER_DOCKERFILE = [
  '# syntax=docker/dockerfile:1.7',
  'FROM registry.example.com/platform/base:2.3 AS build',
  'WORKDIR /app',
  'COPY <<EOF /etc/apt/apt.conf.d/99no-recommends',
  'APT::Install-Recommends "false";',
  'EOF',
  'RUN <<-EOT bash',
  '\tset -eux',
  '\tpip install --no-cache-dir -r requirements/worker.txt',
  '\tEOT',
  'RUN cat <<"PY" > /app/healthcheck.py && chmod +x /app/healthcheck.py',
  'import sys; sys.exit(0)',
  'PY',
  'RUN <<ONE cat > /tmp/one && <<TWO cat > /tmp/two',
  'first',
  'ONE',
  'second',
  'TWO',
  'COPY --chown=app:app src/ /app/src/',
  'RUN python -m compileall -q /app/src \\',
  '    && echo "<< not a heredoc" \\',
  '    && find /app -name "*.pyc" -delete',
  'RUN echo a<<b',
  '',
  'FROM build AS runtime',
  'COPY --from=build /app /app',
  'COPY <<-EOF /app/.env.runtime',
  '\tDJANGO_SETTINGS_MODULE=config.settings.production',
  '\tEOF',
  'ENTRYPOINT ["/app/docker/entrypoints/worker-entrypoint.sh"]',
  'CMD ["celery", "-A", "config", "worker", "-l", "info"]',
  '',
].join('\n');

describe('here-documents of Dockerfile instructions', () => {
  it('are compared with a copy of dockerfile-ast that is not patched', () => {
    const proto = (m: { Instruction: { prototype: object } }) => m.Instruction.prototype as { skipsPlainHeredocs?: boolean };
    assert.equal(proto(original).skipsPlainHeredocs, undefined);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.equal(proto(require('dockerfile-ast')).skipsPlainHeredocs, true);
  });

  it('are the library’s own on a worker Dockerfile that declares them in COPY and RUN, and on the instructions that do not', () => {
    compare('services/worker/Dockerfile', WORKER_DOCKERFILE);
    const copies = parseDockerfile('services/worker/Dockerfile', WORKER_DOCKERFILE)
      .ast.getInstructions()
      .map((i) => heredocsOf(i))
      .map((o) => (o.threw ? 'threw' : o.heredocs.map((h) => h.name).join(',')));
    assert.deepEqual(copies, ['', '', 'EOF', 'EOT', 'PY', 'ONE,TWO', '', '', '', '', '', 'EOF', '', '']);
  });

  it('are the library’s own on random instructions made of here-document tokens', () => {
    // prettier-ignore
    const token = fc.constantFrom(
      'RUN ', 'COPY ', 'ADD ', 'CMD ', 'ENV A=1 ', 'FROM base ', 'cat ', 'bash', '> /tmp/x', '/app/', '&&', 'x',
      ' ', '\t', '\n', '\\\n', '\\', '"', "'", '#', '# comment\n',
      '<<', '<<-', '<', 'EOF', 'EOT', '"EOF"', "'EOF'",
    );
    // With docker's default escape character and with the backtick some Windows Dockerfiles set, LF and CRLF.
    const directive = fc.constantFrom('', '# escape=`\n');
    const eol = fc.constantFrom('\n', '\r\n');
    fc.assert(
      fc.property(directive, eol, fc.array(fc.oneof(token, fc.constant('`\n')), { maxLength: 40 }), (head, br, tokens) => {
        compare('Dockerfile', `${head}FROM python:3.12-slim\n${tokens.join('')}\n`.replace(/\n/g, br));
      }),
      fuzzParams(400),
    );
  });

  it('are none where dockerfile-ast’s scan failed on a comment inside a continued RUN, and the rules run', () => {
    // dockerfile-ast's getHeredocs threw on this RUN (reading the range of a here-document that is not
    // there), and two image rules reported an internal error on the file.
    const text = 'FROM python:3.12-slim\nRUN \\\n \\# c\necho hi\n';
    const theirs = original.DockerfileParser.parse(text).getInstructions()[1]!;
    assert.deepEqual(heredocsOf(theirs), { threw: true });
    assert.deepEqual(heredocsOf(parseDockerfile('Dockerfile', text).ast.getInstructions()[1]!), { threw: false, heredocs: [] });
    const result = new Analyzer(new MemoryFileSystem({ Dockerfile: text })).analyze();
    assert.deepEqual(result.internalErrors, []);
  });
});
