/**
 * parse-error: files that cannot be read are reported, never silent.
 */
import { RuleTester } from '../ruleTester';
import { smallWorkspace } from './workspaces/small';
import { parseError } from '../../server/src/engine/rules/compose/parseError';

const ws = smallWorkspace;

RuleTester.run(parseError, {
  valid: [
    {
      name: "a workspace that parses",
      files: ws(),
    },
    {
      name: "env file with comments, export, quotes and empty values",
      files: ws({
        ".env.docker": `# shared settings
export DJANGO_SETTINGS_MODULE=smarthr360.settings
DJANGO_ALLOWED_HOSTS="web,localhost"
SENTRY_DSN=
`,
      }),
    },
  ],
  invalid: [
    {
      name: "invalid YAML in the compose file",
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
    env_file: [.env.docker
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
        { path: "docker-compose.yml", message: "Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]. The rest of the workspace is still checked; this file is checked as far as it can be read.", line: 13, column: 3, endLine: 13, endColumn: 4 },
      ],
    },
    {
      name: "a duplicate key in the compose file",
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
      context: .
      dockerfile: docker/Dockerfile.celery
    env_file: .env.docker
  nginx:
    image: nginx:1.27-alpine
    image: nginx:1.26-alpine
`,
      }),
      errors: [
        { path: "docker-compose.yml", message: "Invalid YAML: Map keys must be unique; \"image\" is repeated. The rest of the workspace is still checked; this file is checked as far as it can be read.", line: 20, column: 5, endLine: 20, endColumn: 10 },
      ],
    },
    {
      name: "an env file line that is not KEY=value",
      files: ws({
        ".env.docker": `DJANGO_SETTINGS_MODULE=smarthr360.settings
DEBUG: true
`,
      }),
      errors: [
        { path: ".env.docker", message: "Unexpected line in env file: Expected KEY=value.", line: 2, column: 1, endLine: 2, endColumn: 12 },
      ],
    },
    {
      name: "a Dockerfile without FROM",
      files: ws({
        "docker/Dockerfile.celery": `# TODO: worker image
WORKDIR /app
COPY app/ /app/app/
`,
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Expected a FROM instruction: this Dockerfile has none, so it builds nothing.", line: 2, column: 1, endLine: 2, endColumn: 8 },
      ],
    },
    {
      name: "a Dockerfile with only text and no instruction",
      files: ws({
        "docker/Dockerfile.celery": `
  see Dockerfile.web  
`,
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Expected a FROM instruction: this Dockerfile has none, so it builds nothing.", line: 2, column: 3, endLine: 2, endColumn: 6 },
      ],
    },
  ],
});
