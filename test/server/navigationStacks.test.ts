/**
 * Hover on a FROM in a monorepo with one base image per stack (platform/, ml/, tools/, each built
 * by the root Makefile): it names the base the FROM is built on, not the primary base.
 */
import { strict as assert } from 'node:assert';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { hoverAt } from '../../server/src/lsp/navigation';
import { STACKS_WORKSPACE } from '../rules/workspaces/stacks';

const MAKEFILE = `bases:
\tdocker build -f platform/docker/base/Dockerfile -t acme/platform-base:1.0 platform
\tdocker build -f ml/docker/base/Dockerfile -t acme/ml-base:1.0 ml
\tdocker build -f tools/docker/base/Dockerfile -t acme/tools-base:1.0 tools
`;

/** Each stack's services FROM its own base. */
const files: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(STACKS_WORKSPACE).map(([p, text]) => [
      p,
      text.replace('FROM python:3.12-slim\n', `FROM acme/${p.split('/')[0]}-base:1.0\n`),
    ]),
  ),
  Makefile: MAKEFILE,
  'platform/docker/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir Django==5.0.6 celery==5.4.0\n',
  'ml/docker/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir scikit-learn==1.5.0 fastapi==0.111.0\n',
  'tools/docker/base/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir fastapi==0.111.0 rq==1.16.2\n',
};

function hoverText(path: string): string {
  const result = new Analyzer(new MemoryFileSystem(files)).analyze();
  const hover = hoverAt(result, path, { line: 0, character: 6 }, (p) => `file:///ws/${p}`);
  assert.ok(hover, `a hover on the FROM of ${path}`);
  return (hover.contents as { value: string }).value;
}

describe('hover on a FROM of a per-stack base', () => {
  it("names the primary base on a platform service's FROM", () => {
    const text = hoverText('platform/docker/Dockerfile.worker');
    assert.match(text, /Built by \[platform\/docker\/base\/Dockerfile\]\(file:\/\/\/ws\/platform\/docker\/base\/Dockerfile\)/);
    assert.match(text, /`worker` \(platform\/docker\/Dockerfile\.worker\)/);
    assert.doesNotMatch(text, /ml\/docker|tools\/docker/);
  });

  it("names the ml stack's base, and its services only, on ml's FROM", () => {
    // Before: "Built by platform/docker/base/Dockerfile — built as acme/platform-base:1.0 …", and
    // every stack's services.
    const text = hoverText('ml/docker/Dockerfile.serve');
    assert.match(text, /^\*\*Base image\*\* `acme\/ml-base:1\.0`/);
    assert.match(text, /Built by \[ml\/docker\/base\/Dockerfile\]\(file:\/\/\/ws\/ml\/docker\/base\/Dockerfile\)\./);
    assert.match(text, /Services built on it: `serve` \(ml\/docker\/Dockerfile\.serve\)\./);
  });
});
