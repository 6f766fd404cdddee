/**
 * A monorepo of three compose stacks, each its own build context with its own
 * `scripts/entrypoints/` folder and README (the layout entrypoint-outside-shared-dir accepts):
 * platform/ (Django web, Celery worker and beat), ml/ (model serving), tools/ (FastAPI web, RQ worker).
 */

/** A service image that copies only its own entrypoint script from the stack's folder. */
function image(script: string, cmd: string): string {
  return `FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY scripts/entrypoints/${script} /usr/local/bin/entrypoint.sh
COPY app/ /app/app/
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ${cmd}
`;
}

/** A stack's compose file: each service built from `docker/Dockerfile.<name>` in the stack's folder. */
function compose(services: string[]): string {
  return `services:
${services.map((s) => `  ${s}:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.${s}\n`).join('')}`;
}

export const PLATFORM_README = `# Platform entrypoints

## web.sh
Runs migrations, then starts Gunicorn.

## worker.sh
Waits for Redis, then starts Celery.

## beat.sh
Starts Celery beat with the database scheduler.
`;

export const STACKS_WORKSPACE: Readonly<Record<string, string>> = {
  'platform/docker-compose.yml': compose(['web', 'worker', 'beat']),
  'platform/docker/Dockerfile.web': image('web.sh', '["gunicorn", "platform.wsgi"]'),
  'platform/docker/Dockerfile.worker': image('worker.sh', '["celery", "-A", "platform", "worker"]'),
  'platform/docker/Dockerfile.beat': image('beat.sh', '["celery", "-A", "platform", "beat"]'),
  'platform/requirements.txt': 'Django==5.0.6\ncelery==5.4.0\n',
  'platform/app/__init__.py': '',
  'platform/scripts/entrypoints/web.sh': '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec "$@"\n',
  'platform/scripts/entrypoints/worker.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'platform/scripts/entrypoints/beat.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'platform/scripts/entrypoints/README.md': PLATFORM_README,
  'ml/docker-compose.yml': compose(['serve']),
  'ml/docker/Dockerfile.serve': image('serve.sh', '["uvicorn", "ml.serve:app"]'),
  'ml/requirements.txt': 'fastapi==0.111.0\nscikit-learn==1.5.0\n',
  'ml/app/__init__.py': '',
  'ml/scripts/entrypoints/serve.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'ml/scripts/entrypoints/README.md': '# ML entrypoints\n\n## serve.sh\nLoads the model, then serves predictions.\n',
  'tools/docker-compose.yml': compose(['web', 'worker']),
  'tools/docker/Dockerfile.web': image('web.sh', '["uvicorn", "tools.app:app"]'),
  'tools/docker/Dockerfile.worker': image('worker.sh', '["rq", "worker"]'),
  'tools/requirements.txt': 'fastapi==0.111.0\nrq==1.16.2\n',
  'tools/app/__init__.py': '',
  'tools/scripts/entrypoints/web.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'tools/scripts/entrypoints/worker.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
  'tools/scripts/entrypoints/README.md':
    '# Tools entrypoints\n\n- `web.sh`: starts the API.\n- `worker.sh`: starts the RQ worker.\n',
};
