import { RuleTester } from '../ruleTester';
import { copyBeforeInstall } from '../../server/src/engine/rules/image/copyBeforeInstall';
import { workspace } from './imageWorkspace';

const message = (source: string, line: number): string =>
  `Unexpected ${source} copied before the dependency install on line ${line}: every code change re-runs the install. Copy the dependency manifests, install, then copy the code.`;

RuleTester.run(copyBeforeInstall, {
  valid: [
    { name: 'a roadmap-following workspace (the base copies requirements.txt, then installs)', files: workspace() },
    {
      name: 'a frontend build stage that copies its manifests first',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM node:20-slim AS assets
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci
COPY frontend/ ./
RUN npm run build

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY --from=assets /src/dist /app/static/dist
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        'frontend/package.json': '{}\n',
        'frontend/package-lock.json': '{}\n',
      }),
    },
    {
      name: 'installing the project itself needs its code',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
    {
      name: 'code copied after the install, single files before it',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY manage.py .
RUN pip install --no-cache-dir celery[redis]==5.3
COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
    },
  ],
  invalid: [
    {
      name: 'COPY . . before pip install: the install moves above, comments stay with their instructions',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app

# Application code
COPY . .
# Runtime-only packages
RUN pip install --no-cache-dir gunicorn==22.0.0 whitenoise

COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
      errors: [{ path: 'docker/Dockerfile.web', message: message('.', 8), line: 6, column: 6, endLine: 6, endColumn: 7 }],
      output: {
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app

# Runtime-only packages
RUN pip install --no-cache-dir gunicorn==22.0.0 whitenoise
# Application code
COPY . .

COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      },
    },
    {
      name: 'an app folder before the manifest COPY and the install: both move',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
COPY requirements-celery.txt .
RUN pip install --no-cache-dir \\
    -r requirements-celery.txt
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        'requirements-celery.txt': 'flower==2.0\n',
      }),
      errors: [{ path: 'docker/Dockerfile.celery', message: message('app/', 6), line: 4, column: 6, endLine: 4, endColumn: 10 }],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY requirements-celery.txt .
RUN pip install --no-cache-dir \\
    -r requirements-celery.txt
COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      },
    },
    {
      name: 'a requirements file only the code COPY provides gets its own COPY',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]`,
      }),
      errors: [{ path: 'docker/Dockerfile.celery', message: message('.', 5), line: 4, column: 6, endLine: 4, endColumn: 7 }],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]`,
      },
    },
    {
      name: 'the install is the last line, with no final line break',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
COPY app/ /app/app/
RUN pip install --no-cache-dir flower==2.0`,
      }),
      errors: [{ path: 'docker/Dockerfile.celery', message: message('app/', 7), line: 6, column: 6, endLine: 6, endColumn: 10 }],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
RUN pip install --no-cache-dir flower==2.0
COPY app/ /app/app/`,
      },
    },
    {
      name: 'npm ci after the whole frontend folder, with no manifest COPY: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM node:20-slim AS assets
WORKDIR /src
COPY frontend/ ./
RUN npm ci && npm run build

FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY --from=assets /src/dist /app/static/dist
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        'frontend/package.json': '{}\n',
      }),
      errors: [{ path: 'docker/Dockerfile.web', message: message('frontend/', 5), line: 4, column: 6, endLine: 4, endColumn: 15 }],
    },
    {
      name: 'an ENV between the code COPY and the install: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY app/ /app/app/
ENV PIP_INDEX_URL=https://pypi.internal/simple
RUN pip install --no-cache-dir flower==2.0
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
      errors: [{ path: 'docker/Dockerfile.celery', message: message('app/', 6), line: 4, column: 6, endLine: 4, endColumn: 10 }],
    },
  ],
});
