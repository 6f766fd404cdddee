/**
 * build-path-not-found: every build context and Dockerfile a compose service names exists (compose hygiene).
 */
import { RuleTester } from '../ruleTester';
import { smallWorkspace } from './workspaces/small';
import { buildPathNotFound } from '../../server/src/engine/rules/compose/buildPathNotFound';

const ws = smallWorkspace;

RuleTester.run(buildPathNotFound, {
  valid: [
    {
      name: "every context and Dockerfile exists",
      files: ws(),
    },
    {
      name: "context: .. from deploy/ resolves to the workspace root",
      files: ws({
        "deploy/docker-compose.yml": `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
  celery_worker:
    build:
      context: ..
      dockerfile: docker/Dockerfile.celery
`,
      }),
    },
    {
      name: "remote and variable contexts are not checked",
      files: ws({
        "docker-compose.yml": "services:\n  base:\n    build:\n      context: .\n      dockerfile: Dockerfile.base\n    image: smarthr360-base:latest\n    profiles: [build]\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.web\n    env_file: .env.docker\n  celery_worker:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    env_file: .env.docker\n  nginx:\n    image: nginx:1.27-alpine\n  docs:\n    build: https://github.com/acme/docs.git#main\n  api:\n    build:\n      context: ${API_CONTEXT:-./api}\n",
      }),
    },
  ],
  invalid: [
    {
      name: "a missing build context",
      files: ws({
        "docker-compose.yml": `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
  celery_worker:
    build:
      context: ./services/celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected build context \"./services/celery\" of celery_worker to be a folder; services/celery does not exist.", line: 15, column: 16, endLine: 15, endColumn: 33 },
      ],
    },
    {
      name: "a missing Dockerfile with exactly one candidate: point at it",
      files: ws({
        "docker-compose.yml": `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: Dockerfile.web
    env_file: .env.docker
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected Dockerfile \"Dockerfile.web\" of web to exist; Dockerfile.web (resolved from the build context .) does not.", line: 11, column: 19, endLine: 11, endColumn: 33 },
      ],
      output: {
        "docker-compose.yml": `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    env_file: .env.docker
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
`,
      },
    },
    {
      name: "a missing Dockerfile with two candidates: no fix",
      files: ws({
        "docker-compose.yml": `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: .
      dockerfile: Dockerfile.web
    env_file: .env.docker
  celery_worker:
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
`,
        "archived/Dockerfile.web": `FROM python:3.11
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Expected Dockerfile \"Dockerfile.web\" of web to exist; Dockerfile.web (resolved from the build context .) does not.", line: 11, column: 19, endLine: 11, endColumn: 33 },
      ],
    },
    {
      name: "context: .. from deploy/: a missing context and a Dockerfile found one folder down",
      files: ws({
        "deploy/docker-compose.yml": `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: ..
      dockerfile: Dockerfile.web
  celery_worker:
    build:
      context: ../services/celery
`,
      }),
      errors: [
        { path: "deploy/docker-compose.yml", message: "Expected Dockerfile \"Dockerfile.web\" of web to exist; Dockerfile.web (resolved from the build context ..) does not.", line: 11, column: 19, endLine: 11, endColumn: 33 },
        { path: "deploy/docker-compose.yml", message: "Expected build context \"../services/celery\" of celery_worker to be a folder; services/celery does not exist.", line: 14, column: 16, endLine: 14, endColumn: 34 },
      ],
      output: {
        "deploy/docker-compose.yml": `services:
  base:
    build:
      context: ..
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: [build]
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile.web
  celery_worker:
    build:
      context: ../services/celery
`,
      },
    },
  ],
});
