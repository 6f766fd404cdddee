import { RuleTester } from '../ruleTester';
import { unusedVolume } from '../../server/src/engine/rules/compose/unusedVolume';
import { composeWorkspace, ROADMAP_COMPOSE } from './composeWorkspace';

const msg = (v: string): string => `Unexpected volume "${v}": no service mounts it.`;

const APP = `services:
  db:
    image: postgres:16-alpine
    volumes:
      - postgres_data:/var/lib/postgresql/data

  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    volumes:
      - static_volume:/app/staticfiles

  nginx:
    build:
      context: .
      dockerfile: docker/Dockerfile.nginx
    volumes:
      - type: volume
        source: static_volume
        target: /app/staticfiles
        read_only: true
`;

RuleTester.run(unusedVolume, {
  valid: [
    { name: 'roadmap workspace: every volume is mounted', files: composeWorkspace({ 'docker-compose.yml': ROADMAP_COMPOSE }) },
    {
      name: 'a volume that only the override file mounts is used',
      files: composeWorkspace({
        'docker-compose.yml': `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n  media_volume:\n`,
        'docker-compose.override.yml': `services:\n  web:\n    volumes:\n      - media_volume:/app/media\n`,
      }),
    },
    {
      name: 'a volume mounted through an anchor and a merge key is used',
      files: composeWorkspace({
        'docker-compose.yml': `x-logs: &logs\n  volumes:\n    - logs_volume:/app/logs\n\n${APP.replace(
          '  web:\n',
          '  web:\n    <<: *logs\n',
        ).replace('    volumes:\n      - static_volume:/app/staticfiles\n', '')}\nvolumes:\n  postgres_data:\n  static_volume:\n  logs_volume:\n`,
      }),
    },
  ],
  invalid: [
    {
      name: 'the last entry, before a blank line and networks:',
      files: composeWorkspace({
        'docker-compose.yml': `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n  old_uploads:\n\nnetworks:\n  default:\n    name: smarthr360\n`,
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('old_uploads'), line: 27, column: 3, endLine: 27, endColumn: 14 }],
      output: { 'docker-compose.yml': `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n\nnetworks:\n  default:\n    name: smarthr360\n` },
    },
    {
      name: 'an entry with driver options in the middle, 4-space indentation, comments kept',
      files: composeWorkspace({
        'deploy/docker-compose.yml': `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - static_volume:/app/staticfiles

volumes:
    # collected static files
    static_volume:
    old_uploads:   # replaced by S3
        driver: local
        driver_opts:
            type: none
    # ML models
    ml_models_volume:
        external: true
`,
      }),
      errors: [
        { path: 'deploy/docker-compose.yml', message: msg('old_uploads'), line: 12, column: 5, endLine: 12, endColumn: 16 },
        { path: 'deploy/docker-compose.yml', message: msg('ml_models_volume'), line: 17, column: 5, endLine: 17, endColumn: 21 },
      ],
      output: {
        'deploy/docker-compose.yml': `services:
    web:
        build:
            context: ..
            dockerfile: docker/Dockerfile.web
        volumes:
            - static_volume:/app/staticfiles

volumes:
    # collected static files
    static_volume:
    # ML models
`,
      },
    },
    {
      name: 'every volume unused: the volumes: key goes (one edit, offered by both findings)',
      files: composeWorkspace({
        'docker-compose.yml': `services:\n  web:\n    build: .\n    volumes:\n      - ./src:/app/src\n\nvolumes:\n  media_volume:\n  old_uploads: {}\n\nnetworks:\n  smarthr360-network: {}\n`,
      }),
      errors: [
        { path: 'docker-compose.yml', message: msg('media_volume'), line: 8, column: 3, endLine: 8, endColumn: 15 },
        { path: 'docker-compose.yml', message: msg('old_uploads'), line: 9, column: 3, endLine: 9, endColumn: 14 },
      ],
      output: { 'docker-compose.yml': `services:\n  web:\n    build: .\n    volumes:\n      - ./src:/app/src\n\nnetworks:\n  smarthr360-network: {}\n` },
    },
    {
      name: 'a flow map of volumes',
      files: composeWorkspace({ 'docker-compose.yml': `${APP}\nvolumes: {postgres_data: {}, old_uploads: {}, static_volume: {}}\n` }),
      errors: [{ path: 'docker-compose.yml', message: msg('old_uploads'), line: 24, column: 30, endLine: 24, endColumn: 41 }],
      output: { 'docker-compose.yml': `${APP}\nvolumes: {postgres_data: {}, static_volume: {}}\n` },
    },
    {
      name: 'CRLF line endings',
      files: composeWorkspace({
        'docker-compose.yml': `${APP}\nvolumes:\n  old_uploads:\n  postgres_data:\n  static_volume:\n`.replace(/\n/g, '\r\n'),
      }),
      errors: [{ path: 'docker-compose.yml', message: msg('old_uploads'), line: 25, column: 3, endLine: 25, endColumn: 14 }],
      output: { 'docker-compose.yml': `${APP}\nvolumes:\n  postgres_data:\n  static_volume:\n`.replace(/\n/g, '\r\n') },
    },
  ],
});
