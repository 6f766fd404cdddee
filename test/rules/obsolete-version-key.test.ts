import { RuleTester } from '../ruleTester';
import { obsoleteVersionKey } from '../../server/src/engine/rules/compose/obsoleteVersionKey';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';

const MSG = 'Unexpected top-level version: key: the Compose Specification made it obsolete and docker compose ignores it.';

const SERVICES = `services:
  db:
    image: postgres:16-alpine
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    depends_on:
      - db
`;

RuleTester.run(obsoleteVersionKey, {
  valid: [
    { name: 'roadmap workspace without version:', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      name: 'a version label inside a service is not the top-level key',
      files: composeWorkspace({ 'docker-compose.yml': SERVICES.replace('  db:\n', '  db:\n    labels:\n      version: "16"\n') }),
    },
  ],
  invalid: [
    {
      name: 'version: on the first line, followed by a blank line (both go)',
      files: composeWorkspace({ 'docker-compose.yml': `version: "3.9"\n\n# SmartHR360\n${SERVICES}` }),
      errors: [{ path: 'docker-compose.yml', message: MSG, line: 1, column: 1, endLine: 1, endColumn: 8 }],
      output: { 'docker-compose.yml': `# SmartHR360\n${SERVICES}` },
    },
    {
      name: 'version: between a comment and services:, with a trailing comment, CRLF line endings',
      files: composeWorkspace({
        'docker-compose.yml': `# SmartHR360\r\nversion: '3.8' # legacy\r\nservices:\r\n  db:\r\n    image: postgres:16-alpine\r\n  web:\r\n    build: .\r\n`,
      }),
      errors: [{ path: 'docker-compose.yml', message: MSG, line: 2, column: 1, endLine: 2, endColumn: 8 }],
      output: { 'docker-compose.yml': `# SmartHR360\r\nservices:\r\n  db:\r\n    image: postgres:16-alpine\r\n  web:\r\n    build: .\r\n` },
    },
    {
      // Before, `# Compose file format …` stayed, above nothing it described.
      name: 'version: with a comment line directly above it, after the file header: both go, one blank line stays',
      files: composeWorkspace({
        'docker-compose.yml': `# SmartHR360\n\n# Compose file format, for docker-compose 1.x\nversion: "3.8"\n\n${SERVICES}`,
      }),
      errors: [{ path: 'docker-compose.yml', message: MSG, line: 4, column: 1, endLine: 4, endColumn: 8 }],
      output: { 'docker-compose.yml': `# SmartHR360\n\n${SERVICES}` },
    },
    {
      name: 'version: as the last line of deploy/docker-compose.yml, without a final line break',
      files: composeWorkspace({
        'deploy/docker-compose.yml': `services:\n    web:\n        build:\n            context: ..\n            dockerfile: docker/Dockerfile.web\n\nversion: "3"`,
      }),
      errors: [{ path: 'deploy/docker-compose.yml', message: MSG, line: 7, column: 1, endLine: 7, endColumn: 8 }],
      output: { 'deploy/docker-compose.yml': `services:\n    web:\n        build:\n            context: ..\n            dockerfile: docker/Dockerfile.web\n` },
    },
    {
      name: 'version: in the override file too',
      files: composeWorkspace({
        'docker-compose.yml': `version: "3.9"\n${SERVICES}`,
        'docker-compose.override.yml': `version: "3.9"\nservices:\n  web:\n    environment:\n      DEBUG: "1"\n`,
      }),
      errors: [
        { path: 'docker-compose.override.yml', message: MSG, line: 1, column: 1, endLine: 1, endColumn: 8 },
        { path: 'docker-compose.yml', message: MSG, line: 1, column: 1, endLine: 1, endColumn: 8 },
      ],
      output: {
        'docker-compose.override.yml': `services:\n  web:\n    environment:\n      DEBUG: "1"\n`,
        'docker-compose.yml': SERVICES,
      },
    },
  ],
});
