import { RuleTester } from '../ruleTester';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { CELERY_DOCKERFILE, COMPOSE, GITIGNORE, workspace } from './envWorkspace';

const DB_ENV = `      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
`;
const WEB_ENV = `      - DJANGO_SETTINGS_MODULE=smarthr360.settings
`;

RuleTester.run(secretInEnvironment, {
  valid: [
    { name: 'roadmap-following workspace: secrets are interpolated, never written', files: workspace() },
    {
      name: 'pure interpolations, a required-variable check, the $$ escape and a *_FILE path are not secrets',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          DB_ENV,
          `      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD in secrets.env}
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      PGPASSWORD: $DB_PASSWORD
`,
        ).replace(WEB_ENV, `${WEB_ENV}      - CACHE_URL=redis://redis:6379/1
      - SENTRY_TOKEN=$\${TOKEN_FROM_SHELL}
`),
        'docker/Dockerfile.celery': CELERY_DOCKERFILE.replace('WORKDIR /app\n', 'ARG PIP_INDEX_TOKEN\nENV CELERY_BROKER_PASSWORD=${CELERY_BROKER_PASSWORD}\nWORKDIR /app\n'),
      }),
    },
  ],
  invalid: [
    {
      name: 'a literal password in a map environment: moved to the existing secrets file the service reads',
      files: workspace({ 'docker-compose.yml': COMPOSE.replace('POSTGRES_PASSWORD: ${DB_PASSWORD}', 'POSTGRES_PASSWORD: changeme  # local only') }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected secret POSTGRES_PASSWORD written into the environment of service db; keep it in secrets.env.", line: 23, column: 26, endLine: 23, endColumn: 34 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
POSTGRES_PASSWORD=changeme
`,
      },
    },
    {
      name: 'a literal default in a list environment: secrets.env is created from secrets.example and added to .gitignore',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(WEB_ENV, `${WEB_ENV}      - "DJANGO_SECRET_KEY=\${DJANGO_SECRET_KEY:-dev-only-key}"\n`),
        'secrets.env': undefined,
        '.gitignore': GITIGNORE.replace('secrets.env\n', ''),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected secret DJANGO_SECRET_KEY written into the environment of service web; keep it in secrets.env.", line: 39, column: 28, endLine: 39, endColumn: 62 },
      ],
      output: {
        ".gitignore": `__pycache__/
*.pyc
secrets.env
`,
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
        "secrets.env": `# Copy to secrets.env (never commit it) and fill in.
DB_PASSWORD=
DJANGO_SECRET_KEY=\${DJANGO_SECRET_KEY:-dev-only-key}
`,
      },
    },
    {
      name: 'credentials inside a *_URL value: reported at the password, masked in the message',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace('DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db', 'DATABASE_URL=postgres://smarthr360:hunter2@db'),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected credentials in DATABASE_URL (postgres://smarthr360:****@db:5432/smarthr360) in the environment of service web; keep it in secrets.env.", line: 39, column: 44, endLine: 39, endColumn: 51 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
DATABASE_URL=postgres://smarthr360:hunter2@db:5432/smarthr360
`,
      },
    },
    {
      name: 'the only entry of a service without env_file: environment goes, env_file secrets.env comes',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          `    image: redis:7-alpine
`,
          `    image: redis:7-alpine
    environment:
      REDIS_PASSWORD: r3d1s-pass
`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected secret REDIS_PASSWORD written into the environment of service redis; keep it in secrets.env.", line: 30, column: 23, endLine: 30, endColumn: 33 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network
    env_file:
      - secrets.env

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
REDIS_PASSWORD=r3d1s-pass
`,
      },
    },
    {
      name: 'an entry merged into several services through an alias: reported once at the anchor, naming them',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(
          `  networks:
    - smarthr360-network

services:`,
          `  environment:
    CELERY_TIMEZONE: Europe/Paris
    FLOWER_API_KEY: 'k3y-123'
  networks:
    - smarthr360-network

services:`,
        ),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected secret FLOWER_API_KEY written into the environment of services celery_worker, celery_beat; keep it in secrets.env.", line: 8, column: 21, endLine: 8, endColumn: 30 },
      ],
      output: {
        "docker-compose.yml": `# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.
x-app: &app
  env_file:
    - .env.docker
    - secrets.env
  environment:
    CELERY_TIMEZONE: Europe/Paris
  networks:
    - smarthr360-network

services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]

  db:
    image: postgres:16-alpine
    env_file:
      - secrets.env
    environment:
      POSTGRES_DB: smarthr360
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    networks:
      - smarthr360-network

  redis:
    image: redis:7-alpine
    networks:
      - smarthr360-network

  web:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.web
    environment:
      - DJANGO_SETTINGS_MODULE=smarthr360.settings
      - DATABASE_URL=postgres://smarthr360:\${DB_PASSWORD}@db:5432/smarthr360

  celery_worker:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery

  celery_beat:
    <<: *app
    build:
      context: .
      dockerfile: docker/Dockerfile.celery
    command: celery -A smarthr360 beat -l info

  nginx:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
    depends_on:
      - web
    networks:
      - smarthr360-network

networks:
  smarthr360-network:
    driver: bridge
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
FLOWER_API_KEY=k3y-123
`,
      },
    },
    {
      name: 'a flow environment map in a CRLF file: the pair and its comma go',
      files: workspace({
        'docker-compose.yml': COMPOSE.replace(`    environment:\n${DB_ENV}`, `    environment: {POSTGRES_DB: smarthr360, POSTGRES_PASSWORD: changeme}\n`).replace(/\n/g, '\r\n'),
      }),
      errors: [
        { path: "docker-compose.yml", message: "Unexpected secret POSTGRES_PASSWORD written into the environment of service db; keep it in secrets.env.", line: 21, column: 63, endLine: 21, endColumn: 71 },
      ],
      output: {
        "docker-compose.yml": "# SmartHR360: Django web, Celery worker and beat, Postgres, Redis and nginx.\r\nx-app: &app\r\n  env_file:\r\n    - .env.docker\r\n    - secrets.env\r\n  networks:\r\n    - smarthr360-network\r\n\r\nservices:\r\n  base:\r\n    build:\r\n      context: .\r\n      dockerfile: Dockerfile.base\r\n    image: smarthr360-base:latest\r\n    profiles: [\"build\"]\r\n\r\n  db:\r\n    image: postgres:16-alpine\r\n    env_file:\r\n      - secrets.env\r\n    environment: {POSTGRES_DB: smarthr360}\r\n    networks:\r\n      - smarthr360-network\r\n\r\n  redis:\r\n    image: redis:7-alpine\r\n    networks:\r\n      - smarthr360-network\r\n\r\n  web:\r\n    <<: *app\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.web\r\n    environment:\r\n      - DJANGO_SETTINGS_MODULE=smarthr360.settings\r\n      - DATABASE_URL=postgres://smarthr360:${DB_PASSWORD}@db:5432/smarthr360\r\n\r\n  celery_worker:\r\n    <<: *app\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n\r\n  celery_beat:\r\n    <<: *app\r\n    build:\r\n      context: .\r\n      dockerfile: docker/Dockerfile.celery\r\n    command: celery -A smarthr360 beat -l info\r\n\r\n  nginx:\r\n    image: nginx:1.27-alpine\r\n    ports:\r\n      - \"80:80\"\r\n    depends_on:\r\n      - web\r\n    networks:\r\n      - smarthr360-network\r\n\r\nnetworks:\r\n  smarthr360-network:\r\n    driver: bridge\r\n",
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
POSTGRES_PASSWORD=changeme
`,
      },
    },
    {
      name: 'one key of a multi-line Dockerfile ENV: removed, the continuation kept well formed',
      files: workspace({
        'docker/Dockerfile.celery': CELERY_DOCKERFILE.replace(
          'WORKDIR /app\n',
          'ENV DJANGO_SETTINGS_MODULE=smarthr360.settings \\\n    CELERY_BROKER_PASSWORD="hunter2 celery"\nWORKDIR /app\n',
        ),
      }),
      errors: [
        { path: "docker/Dockerfile.celery", message: "Unexpected secret CELERY_BROKER_PASSWORD in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.", line: 3, column: 28, endLine: 3, endColumn: 44 },
      ],
      output: {
        "docker/Dockerfile.celery": `FROM smarthr360-base:latest
ENV DJANGO_SETTINGS_MODULE=smarthr360.settings
WORKDIR /app
COPY app/ /app/app/
CMD ["celery", "-A", "smarthr360", "worker", "-l", "info"]
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
CELERY_BROKER_PASSWORD="hunter2 celery"
`,
      },
    },
    {
      name: 'a single-key ENV goes whole; an ARG default is reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': `FROM smarthr360-base:latest
ARG GITHUB_TOKEN=ghp_0123456789abcdef
ENV STRIPE_API_KEY=sk_live_abc123
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
      }),
      errors: [
        { path: "docker/Dockerfile.web", message: "Unexpected secret GITHUB_TOKEN as an ARG default: it is recorded in the image history; pass it as a build secret instead.", line: 2, column: 18, endLine: 2, endColumn: 38 },
        { path: "docker/Dockerfile.web", message: "Unexpected secret STRIPE_API_KEY in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.", line: 3, column: 20, endLine: 3, endColumn: 34 },
      ],
      output: {
        "docker/Dockerfile.web": `FROM smarthr360-base:latest
ARG GITHUB_TOKEN=ghp_0123456789abcdef
WORKDIR /app
COPY app/ /app/app/
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`,
        "secrets.env": `DB_PASSWORD=s3cr3t-db-password
DJANGO_SECRET_KEY=9f8e7d6c5b4a
STRIPE_API_KEY=sk_live_abc123
`,
      },
    },
  ],
});
