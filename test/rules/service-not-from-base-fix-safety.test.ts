/**
 * service-not-from-base: the FROM rewrite is only offered when the service's instructions run the
 * same way on the base: as the same user, in the same working directory, without an ENTRYPOINT
 * taking its CMD. A base that runs as user app in /home/app/src with tini as its ENTRYPOINT keeps
 * the finding, without a fix, and the message says why.
 */
import { RuleTester } from '../ruleTester';
import { serviceNotFromBase } from '../../server/src/engine/rules/dockerfile/serviceNotFromBase';
import { insertAfter, insertBefore, replaceOnce } from './edit';
import { onLine } from './findings';

const BASE = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home app
WORKDIR /home/app/src
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
USER app
ENTRYPOINT ["/usr/bin/tini", "--"]
`;

/** The base as the roadmap writes it: root, WORKDIR /app, no ENTRYPOINT. */
const PLAIN_BASE = `FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

const WEB = `FROM myorg/base:2
COPY app/ /home/app/src/app/
CMD ["gunicorn", "app.wsgi:application", "--bind", "0.0.0.0:8000"]
`;

const WORKER = `FROM python:3.12-slim
RUN mkdir -p /var/log/worker && chown nobody /var/log/worker
COPY app/ app/
CMD ["python", "/app/worker.py"]
`;

/** The worker with its own working directory set first: relative paths resolve as before. */
const WORKER_IN_APP = `FROM python:3.12-slim
WORKDIR /app
RUN mkdir -p /var/log/worker && chown nobody /var/log/worker
COPY app/ app/
CMD ["python", "/app/worker.py"]
`;

const COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: docker/Dockerfile.base
    image: myorg/base:2
    profiles: ["build"]

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    ports:
      - "8000:8000"

  worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.worker
`;

const workspace = (base: string, worker: string): Record<string, string> => ({
  'docker-compose.yml': COMPOSE,
  'docker/Dockerfile.base': base,
  'docker/Dockerfile.web': WEB,
  'docker/Dockerfile.worker': worker,
  'requirements.txt': 'celery==5.4.0\n',
  'app/worker.py': 'print("worker")\n',
});

const notFromBase = (why = '') =>
  `Expected worker to be built FROM the base image myorg/base:2, not python:3.12-slim.${
    why ? ` No fix: the base ${why}; move it onto the base by hand.` : ''
  }`;
const finding = (why?: string) => onLine('docker/Dockerfile.worker', 1, 6, 22, notFromBase(why));
const rebased = (worker: string) => replaceOnce(worker, 'FROM python:3.12-slim\n', 'FROM myorg/base:2\n');

RuleTester.run(serviceNotFromBase, {
  valid: [],
  invalid: [
    {
      // Before, --fix rewrote the FROM and reported nothing: the chown was denied to user app, app/
      // landed in /home/app/src/app/, and tini was handed the CMD.
      name: 'a base that runs as user app in /home/app/src with an ENTRYPOINT: reported, no fix, the message says why',
      files: workspace(BASE, WORKER),
      errors: [
        finding(
          'runs as user app (the RUN on line 2 would run as app), sets WORKDIR /home/app/src (the RUN on line 2 would run there) ' +
            'and has an ENTRYPOINT (the CMD on line 4 would become its arguments)',
        ),
      ],
    },
    {
      name: 'the base runs as user app and the service runs a RUN before any USER of its own: no fix',
      files: workspace(
        replaceOnce(BASE, 'WORKDIR /home/app/src\n', 'WORKDIR /app\n').replace(/ENTRYPOINT.*\n/, ''),
        WORKER_IN_APP,
      ),
      errors: [finding('runs as user app (the RUN on line 3 would run as app)')],
    },
    {
      name: 'the service switches to root before its RUN: the user does not change, the fix applies',
      files: workspace(
        replaceOnce(BASE, 'WORKDIR /home/app/src\n', 'WORKDIR /app\n').replace(/ENTRYPOINT.*\n/, ''),
        insertAfter(WORKER_IN_APP, 'WORKDIR /app\n', 'USER root\n'),
      ),
      errors: [finding()],
      output: { 'docker/Dockerfile.worker': rebased(insertAfter(WORKER_IN_APP, 'WORKDIR /app\n', 'USER root\n')) },
    },
    {
      name: 'the base ends in another WORKDIR and the service copies to a relative destination before its own: no fix',
      files: workspace(PLAIN_BASE.replace('WORKDIR /app', 'WORKDIR /home/app/src'), WORKER.replace(/RUN .*\n/, '')),
      errors: [finding('sets WORKDIR /home/app/src (the COPY on line 2 would copy there)')],
    },
    {
      // Before, the message said only that the base "sets WORKDIR /app", which read as wrong to a
      // service that sets WORKDIR /app itself, a line too late.
      name: 'the service sets the base WORKDIR itself, after a RUN: no fix, and the message names that RUN',
      files: workspace(
        PLAIN_BASE,
        replaceOnce(
          WORKER_IN_APP,
          'WORKDIR /app\nRUN mkdir -p /var/log/worker && chown nobody /var/log/worker\n',
          'RUN mkdir -p /var/log/worker && chown nobody /var/log/worker\nWORKDIR /app\n',
        ),
      ),
      errors: [finding('sets WORKDIR /app (the RUN on line 2 would run there)')],
    },
    {
      name: 'a relative WORKDIR first: it would start from the base WORKDIR, no fix',
      files: workspace(PLAIN_BASE, replaceOnce(WORKER_IN_APP, 'WORKDIR /app\n', 'WORKDIR srv\n')),
      errors: [finding('sets WORKDIR /app (the WORKDIR on line 2 would start from there)')],
    },
    {
      name: 'a relative path in CMD, no WORKDIR of its own: no fix',
      files: workspace(PLAIN_BASE, 'FROM python:3.12-slim\nCOPY app/worker.py /worker.py\nCMD ["python", "worker.py"]\n'),
      errors: [finding('sets WORKDIR /app (the CMD on line 3 would look there)')],
    },
    {
      name: 'the service sets an absolute WORKDIR first: paths resolve as before, the fix applies',
      files: workspace(PLAIN_BASE.replace('WORKDIR /app', 'WORKDIR /home/app/src'), WORKER_IN_APP),
      errors: [finding()],
      output: { 'docker/Dockerfile.worker': rebased(WORKER_IN_APP) },
    },
    {
      name: 'the base has an ENTRYPOINT and the service only a CMD: no fix',
      files: workspace(
        insertAfter(PLAIN_BASE, 'pip install --no-cache-dir -r requirements.txt\n', 'ENTRYPOINT ["/usr/bin/tini", "--"]\n'),
        WORKER_IN_APP,
      ),
      errors: [finding('has an ENTRYPOINT (the CMD on line 5 would become its arguments)')],
    },
    {
      name: 'the service sets its own ENTRYPOINT: the base one does not take its CMD, the fix applies',
      files: workspace(
        insertAfter(PLAIN_BASE, 'pip install --no-cache-dir -r requirements.txt\n', 'ENTRYPOINT ["/usr/bin/tini", "--"]\n'),
        insertBefore(WORKER_IN_APP, 'CMD ', 'ENTRYPOINT ["python"]\n'),
      ),
      errors: [finding()],
      output: { 'docker/Dockerfile.worker': rebased(insertBefore(WORKER_IN_APP, 'CMD ', 'ENTRYPOINT ["python"]\n')) },
    },
    {
      name: 'a plain base (root, WORKDIR /app, no ENTRYPOINT) and a service working in /app: the fix applies',
      files: workspace(PLAIN_BASE, WORKER_IN_APP),
      errors: [finding()],
      output: { 'docker/Dockerfile.worker': rebased(WORKER_IN_APP) },
    },
  ],
});
