/**
 * Fixes of several rules applied together, pass after pass as `check --fix` applies them: what
 * one fix takes for granted, another in the same pass must not undo. Each case is from a review of
 * the change that let appends to one file and alike creations apply together; each failed then.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { fixPasses } from '../fixPasses';
import { replaceOnce } from '../rules/edit';
import { BASE_DOCKERFILE, COMPOSE, ENV_DOCKER, SECRETS_EXAMPLE, WEB_DOCKERFILE, workspace } from '../rules/envWorkspace';

/** `--fix`: every fix that applies, pass after pass (at most ten); the files at the end, and what is left. */
function fixAll(files: Record<string, string>): { files: Record<string, string>; left: string[] } {
  const fs = new MemoryFileSystem(files);
  fixPasses(fs, () => new Analyzer(fs).analyze().findings);
  const left = new Analyzer(fs).analyze().findings.map((f) => `${f.path} ${f.ruleId}`);
  return { files: Object.fromEntries(fs.listFiles().map((p) => [p, fs.readFile(p)!])), left };
}

/** The workspace's compose file with `environment` (block lines under the key) for celery_worker. */
const withWorkerEnvironment = (lines: string): string =>
  replaceOnce(
    COMPOSE,
    '  celery_worker:\n    <<: *app\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n',
    `  celery_worker:\n    <<: *app\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n    environment:\n${lines}`,
  );

describe('fixes of several rules in one pass', () => {
  it('one secret in two places, the same value, and a secrets.env without a final line break: one line', () => {
    // Before, the second copy's append no longer equalled the first once it had lost its line break.
    const { files } = fixAll(
      workspace({
        'secrets.env': 'DB_PASSWORD=s3cr3t-db-password',
        '.env.docker': `${ENV_DOCKER}STRIPE_API_KEY=sk_live_51HabcdefGHIJKLMNOPqrstuv\nMAIL_PASSWORD=mail-pw-7\n`,
        'docker-compose.yml': withWorkerEnvironment('      DEBUG: "0"\n      MAIL_PASSWORD: mail-pw-7\n'),
      }),
    );
    assert.equal(
      files['secrets.env'],
      'DB_PASSWORD=s3cr3t-db-password\nSTRIPE_API_KEY=sk_live_51HabcdefGHIJKLMNOPqrstuv\nMAIL_PASSWORD=mail-pw-7\n',
    );
    assert.equal(files['.env.docker'], ENV_DOCKER);
    assert.equal(files['docker-compose.yml'], withWorkerEnvironment('      DEBUG: "0"\n'));
  });

  it('one secret with two values: one moves, the other stays and is reported, never both in secrets.env', () => {
    // Before, both lines were appended: MAIL_PASSWORD twice in secrets.env, and no finding left.
    const { files, left } = fixAll(
      workspace({
        '.env.docker': `${ENV_DOCKER}MAIL_PASSWORD=mail-pw-other\n`,
        'docker-compose.yml': withWorkerEnvironment('      DEBUG: "0"\n      MAIL_PASSWORD: mail-pw-7\n'),
      }),
    );
    assert.equal(files['secrets.env']!.match(/^MAIL_PASSWORD=/gm)?.length, 1, files['secrets.env']);
    assert.match(files['docker-compose.yml']!, /MAIL_PASSWORD: mail-pw-7/);
    assert.ok(left.includes('docker-compose.yml secret-in-environment'), left.join('\n'));
  });

  it("a service's last two environment entries, both secrets: the key goes, the file stays valid", () => {
    // Before, each removal kept the key for the other entry, and a bare `environment:` was left.
    const { files, left } = fixAll(
      workspace({
        'docker-compose.yml': withWorkerEnvironment('      SENTRY_AUTH_TOKEN: sntrys-tok-1\n      FLOWER_PASSWORD: fl0wer-pw\n'),
      }),
    );
    assert.equal(files['docker-compose.yml'], COMPOSE);
    assert.match(files['secrets.env']!, /SENTRY_AUTH_TOKEN=sntrys-tok-1\nFLOWER_PASSWORD=fl0wer-pw\n$/);
    assert.deepEqual(
      left.filter((l) => l.includes('compose-schema')),
      [],
    );
  });

  it("two secrets, all a prod overlay's web holds: the overlay's web reads secrets.env, never a null service", () => {
    // Before, the environment key went with the last secret and `web:` was left with nothing
    // (compose-schema), and secrets.env was added to web in docker-compose.yml, for every environment.
    const main = replaceOnce(COMPOSE, '    - .env.docker\n    - secrets.env\n', '    - .env.docker\n');
    const { files, left } = fixAll(
      workspace({
        'docker-compose.yml': main,
        'docker-compose.prod.yml':
          'services:\n  web:\n    environment:\n      SENTRY_AUTH_TOKEN: sntrys-tok-1\n      NEW_RELIC_LICENSE_KEY: nr-lic-2\n',
      }),
    );
    assert.equal(files['docker-compose.yml'], main);
    assert.equal(files['docker-compose.prod.yml'], 'services:\n  web:\n    env_file:\n      - secrets.env\n');
    assert.match(files['secrets.env']!, /SENTRY_AUTH_TOKEN=sntrys-tok-1\nNEW_RELIC_LICENSE_KEY=nr-lic-2\n$/);
    assert.deepEqual(
      left.filter((l) => l.includes('compose-schema') || l.includes('secret-in-environment')),
      [],
    );
  });

  it("the same two secrets, web reading secrets.env already: the overlay's web is left `environment: {}`, not null", () => {
    // Before, the second pass removed the environment key with the last secret and left `web:`
    // with nothing: a null service, which compose rejects.
    const { files, left } = fixAll(
      workspace({
        'docker-compose.prod.yml':
          'services:\n  web:\n    environment:\n      SENTRY_AUTH_TOKEN: sntrys-tok-1\n      NEW_RELIC_LICENSE_KEY: nr-lic-2\n',
      }),
    );
    assert.equal(files['docker-compose.yml'], COMPOSE);
    assert.equal(files['docker-compose.prod.yml'], 'services:\n  web:\n    environment: {}\n');
    assert.deepEqual(
      left.filter((l) => l.includes('compose-schema') || l.includes('secret-in-environment')),
      [],
    );
  });

  it('secrets.env missing but listed: the secrets create it, and the entries that name it stay', () => {
    // Before, env-file-not-found dropped `- secrets.env` (the file was missing when it was computed)
    // in the pass that created it: the secrets went to a file no service read.
    const { files } = fixAll(
      workspace({
        'secrets.env': undefined,
        '.env.docker': `${ENV_DOCKER}DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a\nDB_PASSWORD=s3cr3t-db-password\n`,
      }),
    );
    assert.equal(files['docker-compose.yml'], COMPOSE);
    assert.equal(
      files['secrets.env'],
      SECRETS_EXAMPLE.replace('DB_PASSWORD=\n', 'DB_PASSWORD=s3cr3t-db-password\n').replace(
        'DJANGO_SECRET_KEY=\n',
        'DJANGO_SECRET_KEY=django-insecure-9f8e7d6c5b4a\n',
      ),
    );
  });

  it('gunicorn moved to the base and pytest dropped from one install: the RUN goes, the base gets gunicorn', () => {
    // install-outside-base keeps pytest in the service's install, test-artifacts-in-runtime keeps
    // gunicorn; each fix alone is right, but applied in one pass they left `pip install
    // --no-cache-dir` with nothing to install. Their removals share a scope: one applies per pass.
    const web = replaceOnce(
      WEB_DOCKERFILE,
      'COPY app/ /app/app/\n',
      'RUN pip install --no-cache-dir gunicorn pytest\nCOPY app/ /app/app/\n',
    );
    const { files, left } = fixAll(workspace({ 'docker/Dockerfile.web': web }));
    assert.equal(files['docker/Dockerfile.web'], WEB_DOCKERFILE);
    assert.equal(files['Dockerfile.base'], `${BASE_DOCKERFILE}RUN pip install --no-cache-dir gunicorn\n`);
    assert.deepEqual(
      left.filter((l) => l.includes('install-outside-base') || l.includes('test-artifacts-in-runtime')),
      [],
    );
  });
});
