/**
 * The engine remembers the upper case of instruction names for dockerfile-ast's getKeyword
 * (server/src/engine/parse/dockerfile.ts). The keyword must stay the name upper-cased, whatever the
 * spelling, however many spellings a workspace brings and however long they are.
 */
import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/engine/parse/dockerfile';

const keywords = (text: string): string[] =>
  parseDockerfile('services/api/Dockerfile', text)
    .ast.getInstructions()
    .map((i) => i.getKeyword());

describe('instruction keywords', () => {
  it('are the names upper-cased, in any spelling a Dockerfile uses', () => {
    const text = [
      'from python:3.12-slim AS Build',
      'Run pip install --no-cache-dir -r requirements.txt',
      'copy --chown=app:app . /app',
      'HealthCheck CMD curl -fsS http://localhost:8000/healthz || exit 1',
      'workdir /app',
      'RUN python manage.py collectstatic --noinput',
      'cmd ["gunicorn", "config.wsgi"]',
      '',
    ].join('\n');
    assert.deepEqual(keywords(text), ['FROM', 'RUN', 'COPY', 'HEALTHCHECK', 'WORKDIR', 'RUN', 'CMD']);
    // Asked again: the remembered answers.
    assert.deepEqual(keywords(text), ['FROM', 'RUN', 'COPY', 'HEALTHCHECK', 'WORKDIR', 'RUN', 'CMD']);
  });

  it('stay right past the number of spellings remembered, and for names longer than any instruction', () => {
    const names = Array.from({ length: 2500 }, (_, i) => `Unknown${i.toString(36)}`);
    names.push('averyveryverylonginstructionname', 'AnotherVeryLongInstructionName');
    const text = ['FROM alpine:3.20', ...names.map((n) => `${n} argument`), 'run echo done', ''].join('\n');
    const expected = ['FROM', ...names.map((n) => n.toUpperCase()), 'RUN'];
    assert.deepEqual(keywords(text), expected);
    assert.deepEqual(keywords(text), expected);
  });
});
