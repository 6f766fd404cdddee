import { RuleTester } from '../ruleTester';
import { testArtifactsInRuntime } from '../../server/src/engine/rules/image/testArtifactsInRuntime';
import { workspace } from './imageWorkspace';

const web = (body: string): string => `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
${body}COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

const MESSAGE_COPY = (source: string): string =>
  `Unexpected ${source} in the runtime image: tests and their configuration belong in CI or a test stage, not in the image services run.`;
const MESSAGE_RUN = (tools: string): string =>
  `Unexpected ${tools} in the runtime image build: run tests and linters in CI or a test stage, not in the image services run.`;

RuleTester.run(testArtifactsInRuntime, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'tests run in their own stage, which the runtime image does not build on',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS test
WORKDIR /app
COPY . .
COPY requirements-dev.txt pytest.ini ./
RUN pip install --no-cache-dir -r requirements-dev.txt && pytest -q && flake8 app/

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
    {
      name: 'tool names as arguments and --from copies are not test steps',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ /app/app/
RUN echo "pytest and flake8 run in CI" > /app/TESTING
COPY --from=smarthr360-test:latest /app/tests/junit.xml /app/reports/junit.xml
`),
      }),
    },
    {
      name: 'a final stage named test is a dedicated test image',
      files: workspace({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest AS runtime
WORKDIR /app
COPY app/ /app/app/

FROM runtime AS test
COPY tests/ /app/tests/
RUN pytest -q
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'web copies the tests folder',
      files: workspace({ 'docker/Dockerfile.web': web('COPY app/ /app/app/\nCOPY tests/ /app/tests/\n') }),
      errors: [{ path: 'docker/Dockerfile.web', message: MESSAGE_COPY('tests/'), line: 5, column: 6, endLine: 5, endColumn: 12 }],
      output: { 'docker/Dockerfile.web': web('COPY app/ /app/app/\n') },
    },
    {
      name: 'test configuration in a multi-source COPY: only those sources go',
      files: workspace({ 'docker/Dockerfile.web': web('COPY app/ manage.py pytest.ini conftest.py ./\n') }),
      errors: [
        { path: 'docker/Dockerfile.web', message: MESSAGE_COPY('pytest.ini'), line: 4, column: 21, endLine: 4, endColumn: 31 },
        { path: 'docker/Dockerfile.web', message: MESSAGE_COPY('conftest.py'), line: 4, column: 32, endLine: 4, endColumn: 43 },
      ],
      output: { 'docker/Dockerfile.web': web('COPY app/ manage.py ./\n') },
    },
    {
      name: 'a JSON-form COPY keeps its other sources',
      files: workspace({ 'docker/Dockerfile.web': web('COPY ["app/", "tests/", "/app/"]\n') }),
      errors: [{ path: 'docker/Dockerfile.web', message: MESSAGE_COPY('tests/'), line: 4, column: 16, endLine: 4, endColumn: 22 }],
      output: { 'docker/Dockerfile.web': web('COPY ["app/", "/app/"]\n') },
    },
    {
      name: 'dev requirements and lint config copied together: the instruction goes',
      files: workspace({ 'docker/Dockerfile.web': web('COPY app/ /app/app/\nCOPY requirements-dev.txt .flake8 ./\n') }),
      errors: [
        { path: 'docker/Dockerfile.web', message: MESSAGE_COPY('requirements-dev.txt, .flake8'), line: 5, column: 6, endLine: 5, endColumn: 34 },
      ],
      output: { 'docker/Dockerfile.web': web('COPY app/ /app/app/\n') },
    },
    {
      name: 'tests chained after a runtime check: only the test commands go',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ /app/app/
RUN python manage.py check --deploy \\
    && pytest -q tests/ \\
    && flake8 app/
`),
      }),
      errors: [{ path: 'docker/Dockerfile.web', message: MESSAGE_RUN('pytest, flake8'), line: 6, column: 8, endLine: 6, endColumn: 14 }],
      output: { 'docker/Dockerfile.web': web('COPY app/ /app/app/\nRUN python manage.py check --deploy\n') },
    },
    {
      name: 'a test command before the rest of the RUN, with python -m',
      files: workspace({
        'docker/Dockerfile.web': web(`COPY app/ /app/app/
RUN python -m pytest -q && python manage.py check
`),
      }),
      errors: [{ path: 'docker/Dockerfile.web', message: MESSAGE_RUN('pytest'), line: 5, column: 15, endLine: 5, endColumn: 21 }],
      output: { 'docker/Dockerfile.web': web('COPY app/ /app/app/\nRUN python manage.py check\n') },
    },
    {
      name: 'a RUN of linters only: the instruction goes, comments above stay',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
# lint
RUN ruff check app/ && mypy app/
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
      errors: [{ path: 'docker/Dockerfile.celery', message: MESSAGE_RUN('ruff, mypy'), line: 6, column: 5, endLine: 6, endColumn: 9 }],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
# lint
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      },
    },
    {
      name: 'a stage the final stage builds on copies tests (the example reports image shape)',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS app
WORKDIR /app
COPY app/ /app/app/
COPY tests/ /app/tests/

FROM app AS final
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
      errors: [{ path: 'docker/Dockerfile.web', message: MESSAGE_COPY('tests/'), line: 5, column: 6, endLine: 5, endColumn: 12 }],
      output: {
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS app
WORKDIR /app
COPY app/ /app/app/

FROM app AS final
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      },
    },
  ],
});
