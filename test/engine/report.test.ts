import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { currentStateReport, maskSecretText } from '../../server/src/engine/report';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { EXAMPLE, loadFolder } from '../loadFolder';

describe('current-state report', () => {
  const report = currentStateReport(new Analyzer(loadFolder(EXAMPLE)).analyze());

  it("fills in every section of the roadmap's Current State Analysis", () => {
    for (const heading of [
      '## Dockerfiles and their base images',
      '## Requirements files and the services that install them',
      '## Shared assets and volumes',
      '## Environment variables',
      '## Entrypoint scripts',
      '## CI/CD steps',
    ]) {
      const at = report.indexOf(heading);
      assert.ok(at >= 0, `missing ${heading}`);
      const body = report.slice(at + heading.length).split('\n## ')[0]!;
      assert.match(body, /^\| /m, `${heading} has no table`);
    }
    assert.match(
      report,
      /\| `docker\/Dockerfile\.celery` \| service \| `smarthr360-base:latest` \(base\) \|.*\| celery_worker, celery_beat \|/,
    );
    assert.match(
      report,
      /\| `ml_models_volume` \| `docker-compose.yml` \| yes \| web → \/app\/artifacts\/models; celery_worker → \/app\/artifacts\/models; ml → \/app\/models \|/,
    );
    assert.match(report, /\| `requirements.txt` \| Dockerfile.base \(base\)/);
    assert.match(report, /\| `scripts\/entrypoints\/web-entrypoint.sh` \| docker\/Dockerfile.web \(web\) \|/);
    assert.match(report, /\| `.github\/workflows\/ci.yml` \| test \| Build the base image \|/);
  });

  it('says what builds a Dockerfile no service builds, and what a FROM variable resolves to', () => {
    // Before, a Dockerfile built only by a Makefile was "not built", and `${BASE_IMAGE}` was printed as written.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      'docker/Dockerfile.tools',
      'ARG BASE_IMAGE=smarthr360-base-local\nFROM ${BASE_IMAGE}\nCMD ["python", "-m", "tools"]\n',
    );
    fs.write(
      'Makefile',
      `${fs.readFile('Makefile') ?? ''}\ntools:\n\tdocker build --build-arg BASE_IMAGE=smarthr360-base:latest -f docker/Dockerfile.tools -t smarthr360-tools .\n`,
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.match(
      text,
      /\| `docker\/Dockerfile\.tools` \| built by Makefile \| `\$\{BASE_IMAGE\} \(smarthr360-base:latest\)` \(base\) \|/,
    );
  });

  it('matches a requirements file to the Dockerfiles that install that file, not another of its name', () => {
    // Before, by name: the ML service's own requirements.txt was listed as installed by the base, and the
    // base's by the ML service.
    const fs = loadFolder(EXAMPLE);
    fs.write('ml/requirements.txt', 'torch==2.4.0\n');
    fs.write(
      'docker/Dockerfile.ml',
      'FROM smarthr360-base:latest\nWORKDIR /srv\nCOPY ml/requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.match(text, /\| `requirements.txt` \| Dockerfile.base \(base\); Dockerfile.old \|/);
    assert.match(text, /\| `ml\/requirements.txt` \| docker\/Dockerfile.ml \(ml\) \|/);
  });

  it('lists the requirements files of a requirements/ folder with the Dockerfile that installs them', () => {
    // Before: "No requirements files found.": only requirements*.txt names were read as requirements
    // files, not requirements/base.txt, which install-outside-base reads as one.
    const fs = loadFolder(EXAMPLE);
    const base = fs.readFile('Dockerfile.base')!;
    assert.ok(base.includes('COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n'), base);
    fs.delete('Dockerfile.base');
    fs.write(
      'docker/Dockerfile.base',
      base.replace(
        'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n',
        'COPY requirements/base.txt requirements/ml.txt /tmp/requirements/\n' +
          'RUN pip install --no-cache-dir -r /tmp/requirements/base.txt -r /tmp/requirements/ml.txt\n',
      ),
    );
    fs.write(
      'docker-compose.yml',
      fs.readFile('docker-compose.yml')!.replace('dockerfile: Dockerfile.base', 'dockerfile: docker/Dockerfile.base'),
    );
    fs.write('Makefile', fs.readFile('Makefile')!.replace('-f Dockerfile.base', '-f docker/Dockerfile.base'));
    fs.delete('requirements.txt');
    fs.write('requirements/base.txt', 'Django==5.0.6\ncelery==5.4.0\npsycopg[binary]==3.1.19\nredis==5.0.4\n');
    fs.write('requirements/ml.txt', 'scikit-learn==1.5.0\n');
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.match(text, /\| `requirements\/base.txt` \| docker\/Dockerfile.base \(base\) \|/);
    assert.match(text, /\| `requirements\/ml.txt` \| docker\/Dockerfile.base \(base\) \|/);
  });

  it('masks no uid:gid, pip --user URL, ssh port or variable reference', () => {
    // Before (the first version of the wider masks): each of these lost a part to ****.
    for (const text of [
      'docker run --user 1000:1000 app pytest',
      'pip install --user git+https://github.com/org/tools.git',
      'sshpass -f pw ssh -p 2222 deploy@host',
      'redis-cli -a "$REDIS_PASSWORD" ping',
      'aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY',
      'AWS_SECRET_ACCESS_KEY web, worker',
      // Before, a variable after --password or --token, or as a URL's password, was masked.
      'docker login --password "$REGISTRY_PASSWORD" registry.example.com',
      'python serve.py --access-token $ACCESS_TOKEN',
      'git clone https://oauth2:$GL_TOKEN@gitlab.com/acme/models.git',
      'git clone https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/acme/models.git',
      'echo ${{ secrets.GITHUB_TOKEN }} | docker login ghcr.io -u bot --password-stdin',
      'curl --header "JOB-TOKEN: $CI_JOB_TOKEN" https://gitlab.example.com/api',
      'git clone ssh://git@github.com/acme/models.git && psql postgres://app@db/app',
      'docker pull python:3.12@sha256:0123456789abcdef && npm_config_cache=/tmp/npm npm ci',
    ]) {
      assert.equal(maskSecretText(text), text);
    }
    assert.equal(maskSecretText('curl --user admin:hunter2 https://x.io'), 'curl --user admin:**** https://x.io');
  });

  it('lists an entrypoint script with the Dockerfiles that copy it, not those whose script ends with its name', () => {
    // Before, by substring: entrypoint.sh was "used by" the Dockerfiles copying web-entrypoint.sh.
    const fs = loadFolder(EXAMPLE);
    fs.write('scripts/entrypoints/entrypoint.sh', '#!/bin/sh\nexec "$@"\n');
    // A copy of the whole folder copies the script its ENTRYPOINT runs.
    fs.write('scripts/entrypoints/flower-entrypoint.sh', '#!/bin/sh\nexec celery flower\n');
    fs.write(
      'docker/Dockerfile.flower',
      'FROM smarthr360-base:latest\nCOPY scripts/entrypoints/*.sh /usr/local/bin/\nENTRYPOINT ["flower-entrypoint.sh"]\n',
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.match(text, /\| `scripts\/entrypoints\/flower-entrypoint.sh` \| docker\/Dockerfile.flower/);
    assert.match(text, /\| `scripts\/entrypoints\/entrypoint.sh` \| not used by any Dockerfile \|/);
    assert.match(text, /\| `scripts\/entrypoints\/web-entrypoint.sh` \| docker\/Dockerfile.web \(web\) \|/);
  });

  it('names each service of a Dockerfile once, those that run its image included, and counts in words', () => {
    // Before: "celery_worker, celery_worker" with a prod overlay (one service per project), no
    // celery_beat once it ran the worker's image, and "1 warnings".
    const fs = loadFolder(EXAMPLE);
    const compose = fs.readFile('docker-compose.yml')!;
    const beatBuild =
      '  celery_beat:\n    <<: *app-env\n    build:\n      context: .\n      dockerfile: docker/Dockerfile.celery\n';
    assert.ok(compose.includes(beatBuild), 'the example changed: celery_beat builds no longer read as expected');
    fs.write(
      'docker-compose.yml',
      compose
        .replace(
          '  celery_worker:\n    <<: *app-env\n    build:\n',
          '  celery_worker:\n    <<: *app-env\n    image: smarthr360-celery:latest\n    build:\n',
        )
        .replace(beatBuild, '  celery_beat:\n    <<: *app-env\n    image: smarthr360-celery:latest\n'),
    );
    fs.write('docker-compose.prod.yml', 'services:\n  celery_worker:\n    restart: always\n');
    const text = currentStateReport(new Analyzer(fs).analyze());
    const row = text.split('\n').find((l) => l.startsWith('| `docker/Dockerfile.celery` |'));
    assert.ok(row?.endsWith('| celery_worker, celery_beat |'), row);
    assert.match(text, /; \d+ errors? and \d+ warnings?\./);
  });

  it('lists no ENTRYPOINT as a script outside the folder when it runs a script the Dockerfile copied from there', () => {
    // Before: "/entrypoint.sh | docker/Dockerfile.reports (outside scripts/entrypoints/)" for
    // `COPY scripts/entrypoints/reports-entrypoint.sh /entrypoint.sh`.
    assert.doesNotMatch(report, /\| `\/entrypoint\.sh` \| docker\/Dockerfile\.reports \(outside/);
    // The celery image copies its script from docker/: that one is outside, listed as the workspace
    // file (before, as `/entrypoint.sh`, where the image puts it).
    assert.match(
      report,
      /\| `docker\/celery-entrypoint\.sh` \(outside scripts\/entrypoints\/\) \| docker\/Dockerfile\.celery \(celery_worker, celery_beat\) as \/entrypoint\.sh \|/,
    );
    assert.doesNotMatch(report, /\| `\/entrypoint\.sh`/);
  });

  it('never prints a secret value found in the workspace', () => {
    for (const secret of ['hunter2-celery', 'changeme', 's3cr3t-db-password', 'django-insecure-9f8e7d6c5b4a']) {
      assert.ok(!report.includes(secret), `the report prints ${secret}`);
    }
    assert.match(report, /\| `POSTGRES_PASSWORD` \| `docker-compose.yml` \(db: environment\) \| `\*\*\*\*` \(masked\) \|/);
  });

  it('masks credentials in a URL whatever the key, and values of PASS/PASSWD/PWD keys', () => {
    // Before, only *_URL keys had their URL masked, and DB_PASS & co. were printed as they were.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      '.env.docker',
      `${fs.readFile('.env.docker')}SENTRY_DSN=https://abc:dsn-pw-1@sentry.io/1\nCELERY_BROKER=amqp://guest:broker-pw-2@rabbitmq//\nDB_PASS=db-pass-3\nSMTP_PASSWD=smtp-pw-4\nDB_PWD=db-pwd-5\nPWD=/srv/app\n`,
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    for (const secret of ['dsn-pw-1', 'broker-pw-2', 'db-pass-3', 'smtp-pw-4', 'db-pwd-5']) {
      assert.ok(!text.includes(secret), `the report prints ${secret}`);
    }
    assert.match(text, /\| `SENTRY_DSN` \| `.env.docker` \| `https:\/\/abc:\*\*\*\*@sentry.io\/1` \|/);
    assert.match(text, /\| `DB_PWD` \| `.env.docker` \| `\*\*\*\*` \(masked\) \|/);
    // The shell's working directory is not a secret.
    assert.match(text, /\| `PWD` \| `.env.docker` \| `\/srv\/app` \|/);
  });

  it('masks credentials in a URL that is an interpolation default, in env files and compose environment', () => {
    // Before, the `-` of `:-` right before the scheme hid the URL, and the report printed the password.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      '.env.docker',
      `${fs.readFile('.env.docker')}CACHE_URL=\${CACHE_URL:-redis://:R3disPassw0rd@redis:6379/0}\nSENTRY_DSN="\${SENTRY_DSN-https://abc:dsn-pw-1@sentry.io/1}"\n`,
    );
    fs.write(
      'docker-compose.yml',
      fs
        .readFile('docker-compose.yml')!
        .replace(
          '      - DJANGO_SETTINGS_MODULE=',
          '      - BROKER_URL=${BROKER_URL:+amqp://app:Br0kerPw@rabbitmq//}\n      - DJANGO_SETTINGS_MODULE=',
        ),
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    for (const secret of ['R3disPassw0rd', 'dsn-pw-1', 'Br0kerPw']) {
      assert.ok(!text.includes(secret), `the report prints ${secret}`);
    }
    assert.match(text, /\| `CACHE_URL` \| `.env.docker` \| `\$\{CACHE_URL:-redis:\/\/:\*\*\*\*@redis:6379\/0\}` \|/);
  });

  it('masks the values of credential, auth and *_KEY settings the rules do not call secret', () => {
    // Before, printed as they were: a report masks more than the rules report.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      '.env.docker',
      `${fs.readFile('.env.docker')}SMTP_CREDENTIALS=mailer:smtp-cred-1\nBASIC_AUTH=admin:basic-2\nMAILGUN_KEY=key-mailgun-3x6xnjp29jd6fds4gc373\nGOOGLE_APPLICATION_CREDENTIALS_JSON={"private_key_id":"gcp-4"}\nAUTHOR_NAME=Jane\n`,
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    for (const secret of ['smtp-cred-1', 'basic-2', 'mailgun-3', 'gcp-4']) {
      assert.ok(!text.includes(secret), `the report prints ${secret}`);
    }
    assert.match(text, /\| `BASIC_AUTH` \| `.env.docker` \| `\*\*\*\*` \(masked\) \|/);
    // A word that only starts like one is no credential.
    assert.match(text, /\| `AUTHOR_NAME` \| `.env.docker` \| `Jane` \|/);
  });

  it('prints settings whose names only contain KEY, AUTH or COOKIE, and an e-mail address; masks connection-string keys and npm tokens', () => {
    // Before the first: CACHE_KEY_PREFIX, AUTH_USER_MODEL, SESSION_COOKIE_AGE were masked, and
    // mailto:ci@example.com became mailto:****@example.com. Before the second: printed whole.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      '.env.docker',
      `${fs.readFile('.env.docker')}CACHE_KEY_PREFIX=smarthr360\nAUTH_USER_MODEL=accounts.User\nSESSION_COOKIE_AGE=1209600\nPUBLIC_KEY_PATH=/etc/keys/pub.pem\nAZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=azure-key-1==;EndpointSuffix=core.windows.net\nLDAP_BIND_PW=ldap-pw-2\n`,
    );
    fs.write(
      '.github/workflows/publish.yml',
      'name: publish\non: [push]\njobs:\n  pub:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git config user.email mailto:ci@example.com\n      - run: npm config set //registry.npmjs.org/:_authToken npm-token-3\n',
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    for (const secret of ['azure-key-1', 'ldap-pw-2', 'npm-token-3']) {
      assert.ok(!text.includes(secret), `the report prints ${secret}`);
    }
    for (const [key, value] of [
      ['CACHE_KEY_PREFIX', 'smarthr360'],
      ['AUTH_USER_MODEL', 'accounts.User'],
      ['SESSION_COOKIE_AGE', '1209600'],
      ['PUBLIC_KEY_PATH', '/etc/keys/pub.pem'],
    ]) {
      assert.ok(text.includes(`| \`${key}\` | \`.env.docker\` | \`${value}\` |`), `${key} is not printed as ${value}`);
    }
    assert.ok(text.includes('git config user.email mailto:ci@example.com'));
    assert.ok(text.includes('npm config set //registry.npmjs.org/:_authToken ****'));
  });

  it('shows only the name of a compose environment entry that is not KEY=value', () => {
    // Before, `- "AUTH_TOKEN: value"` was printed whole in the variable column, value included.
    const fs = loadFolder(EXAMPLE);
    fs.write(
      'docker-compose.yml',
      fs
        .readFile('docker-compose.yml')!
        .replace('      - DJANGO_SETTINGS_MODULE=', '      - "AUTH_TOKEN: ZZSECRET9zz"\n      - DJANGO_SETTINGS_MODULE='),
    );
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.ok(!text.includes('ZZSECRET9zz'));
    assert.match(
      text,
      /\| `AUTH_TOKEN` \(not KEY=value; the rest is not shown\) \| `docker-compose.yml` \(\w+: environment\) \|/,
    );
  });

  it('masks secrets wherever they sit: URL lists, jdbc: prefixes, @ in passwords, ENTRYPOINT and CI steps', () => {
    // Before, each Leak value below was printed; a workflow step `run: 42` stopped the report.
    const fs = new MemoryFileSystem({
      'compose.yaml':
        'services:\n  web:\n    image: x\n    environment:\n      A: jdbc:postgresql://u:Leak1@db/x\n      B: amqp://u:p1@h1;amqp://u:Leak2@h2\n      C: --db postgres://u:Leak3@db/x\n      D: postgres://u:p@ssLeak4@db/x\n',
      Dockerfile: 'FROM python\nENTRYPOINT ["sh","-c","DB_PASSWORD=Leak5 exec app"]\n',
      // Before, the password after several spaces was printed, and the token's mask ate the closing backtick.
      'docker/Dockerfile.run': 'FROM python\nENTRYPOINT ["/app/run.sh", "--password", "Leak9", "--token=tok_Leak10"]\n',
      '.github/workflows/c.yml':
        'on: push\njobs:\n  j:\n    steps:\n      - run: curl https://admin:Leak6@x.io\n      - run: docker login -p Leak7 r.io\n      - run: 42\n' +
        '      - run: \'curl -H "X-Api-Key: Leak11" https://api.example.com\'\n      - run: SENTRY=https://0123456789abcdef0123Leak12@o1.ingest.sentry.io/1 make\n' +
        // Before, each of these printed its value: an option's KEY=value, curl's --user and -uUSER:PASS, sshpass, redis-cli, aws.
        '      - run: docker build --build-arg=NPM_TOKEN=Leak13 .\n      - run: docker run --env=API_KEY=Leak14 img\n' +
        '      - run: curl --user admin:Leak15 https://x.io\n      - run: curl -uadmin:Leak16 https://x.io\n' +
        '      - run: sshpass -p Leak17 ssh deploy@x.io\n      - run: redis-cli -h cache -a Leak18 ping\n' +
        '      - run: aws configure set aws_secret_access_key Leak19\n',
      '.gitlab-ci.yml': 'stages: [build]\nbuild:\n  script: [docker login -p Leak8 r.io, make]\n',
    });
    const text = currentStateReport(new Analyzer(fs).analyze());
    assert.deepEqual(text.match(/Leak\d/g), null, text);
    assert.match(text, /\| `\/app\/run.sh --password \*\*\*\* --token=\*\*\*\*` \| docker\/Dockerfile.run/);
    assert.match(text, /`amqp:\/\/u:\*\*\*\*@h1;amqp:\/\/u:\*\*\*\*@h2`/);
    assert.match(text, /`postgres:\/\/u:\*\*\*\*@db\/x`/);
    assert.match(text, /\| `.github\/workflows\/c.yml` \| j \| 42 \|/);
    // A GitLab CI job is listed with its first script line (before, not read at all).
    assert.match(text, /\| `.gitlab-ci.yml` \| build \| docker login -p \*\*\*\* r.io \|/);
  });
});

describe('current-state report: masking in a project with secrets everywhere', () => {
  // One project, each kind of secret where a project writes it: the shared env file, compose
  // environment, a Dockerfile's ARG, ENV and ENTRYPOINT, a GitHub workflow and a GitLab pipeline.
  // Every value to be masked holds `Leak` and two digits.
  const fs = loadFolder(EXAMPLE);
  fs.write(
    '.env.docker',
    `${fs.readFile('.env.docker')}` +
      'SENTRY_DSN=https://pub-Leak41@o1.ingest.sentry.io/1\n' +
      'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/Leak31\n' +
      'DISCORD_NOTIFY=https://discord.com/api/webhooks/123/Leak32\n' +
      'GITHUB_PAT=ghp_Leak61\n' +
      'SLACK_BOT=xoxb-Leak62\n' +
      'LOG_LEVEL=${LOG_LEVEL:-info}\n',
  );
  fs.write(
    'docker-compose.yml',
    fs
      .readFile('docker-compose.yml')!
      .replace(
        '      - DJANGO_SETTINGS_MODULE=',
        '      - TEAMS_WEBHOOK=https://chat.example.com/hooks/Leak33\n      - DJANGO_SETTINGS_MODULE=',
      ),
  );
  fs.write(
    'docker/Dockerfile.cache',
    'ARG REGISTRY=deploy:Leak43@registry.gitlab.com\nFROM ${REGISTRY}/acme/redis:7-alpine\n' +
      'ENV CLIENT_SECRET="Leak52" CACHE_PORT=6379\n' +
      'ENTRYPOINT ["redis-server", "--requirepass", "Leak24", "--port", "6379"]\n',
  );
  fs.write(
    '.github/workflows/release.yml',
    [
      'on: push',
      'jobs:',
      '  release:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: pypa/gh-action-pypi-publish@release/v1',
      `      - run: 'curl -H "PRIVATE-TOKEN: glpat-Leak01" https://gitlab.example.com/api/v4/projects'`,
      `      - run: 'curl -H "Authorization: token Leak02" https://api.github.com/user'`,
      `      - run: "curl -H 'Cookie: session=Leak03; theme=dark' https://app.example.com/health"`,
      `      - run: 'curl -H "Authorization: Bearer Leak05" https://api.example.com'`,
      `      - run: 'curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com'`,
      '      - run: echo "Leak11" | docker login ghcr.io -u bot --password-stdin',
      "      - run: docker login registry.example.com -u bot --password-stdin <<< 'Leak12'",
      '      - run: echo "$CR_PAT" | docker login ghcr.io -u bot --password-stdin',
      '      - run: docker login -u bot -p $CI_REGISTRY_PASSWORD registry.example.com',
      '      - run: twine upload -u __token__ -p pypi-Leak21 dist/*',
      "      - run: mysql -u root -p'Leak22' smarthr360 < dump.sql",
      '      - run: mongosh -u admin -p Leak23 mongodb://mongo/app',
      '      - run: curl -X POST https://acme.webhook.office.com/webhookb2/Leak34 -d @msg.json',
      '      - run: git clone https://Leak42@github.com/acme/models.git',
      '      - run: git clone https://oauth2:$GL_TOKEN@gitlab.com/acme/models.git',
      `      - run: psql "host=db user=app password=Leak51" -c 'select 1'`,
      '      - run: ./deploy.sh ghp_Leak64 glpat-Leak65 sk_live_Leak66',
      '      - run: docker run -p 8000:8000 smarthr360-web:latest && ssh -p 2222 deploy@host',
    ].join('\n') + '\n',
  );
  const text = currentStateReport(new Analyzer(fs).analyze());
  const absent = (...numbers: string[]): void => {
    for (const n of numbers) {
      assert.ok(!text.includes(`Leak${n}`), `the report prints Leak${n}`);
    }
  };

  it('masks the value of a credential header, keeping its name, scheme and quotes', () => {
    // Before, each of these was printed: GitLab's PRIVATE-TOKEN, `Authorization: token`, a cookie,
    // and a bearer token shorter than eight characters.
    absent('01', '02', '03', '05');
    assert.ok(text.includes('| curl -H "PRIVATE-TOKEN: ****" https://gitlab.example.com/api/v4/projects |'), text);
    assert.ok(text.includes('| curl -H "Authorization: token ****" https://api.github.com/user |'));
    assert.ok(text.includes("| curl -H 'Cookie: ****' https://app.example.com/health |"));
    assert.ok(text.includes('| curl -H "Authorization: Bearer ****" https://api.example.com |'));
    assert.ok(text.includes('| curl -H "Authorization: Bearer $API_TOKEN" https://api.example.com |'));
  });

  it('masks a literal piped or fed into a --password-stdin login, not a variable', () => {
    absent('11', '12');
    assert.ok(text.includes('| echo "****" \\| docker login ghcr.io -u bot --password-stdin |'));
    assert.ok(text.includes("| docker login registry.example.com -u bot --password-stdin <<< '****' |"));
    assert.ok(text.includes('| echo "$CR_PAT" \\| docker login ghcr.io -u bot --password-stdin |'));
  });

  it("masks twine's, mysql's and mongosh's -p, and redis's --requirepass, not a variable or a port", () => {
    absent('21', '22', '23', '24');
    assert.ok(text.includes('| twine upload -u __token__ -p **** dist/* |'));
    assert.ok(text.includes("| mysql -u root -p'****' smarthr360 < dump.sql |"));
    assert.ok(text.includes('| mongosh -u admin -p **** mongodb://mongo/app |'));
    assert.ok(text.includes('| `redis-server --requirepass **** --port 6379` |'));
    // Before, a login's `-p $VARIABLE` lost its name to ****.
    assert.ok(text.includes('| docker login -u bot -p $CI_REGISTRY_PASSWORD registry.example.com |'));
    assert.ok(text.includes('| docker run -p 8000:8000 smarthr360-web:latest && ssh -p 2222 deploy@host |'));
  });

  it('masks a webhook URL after its host, in env files, compose environment and CI steps', () => {
    absent('31', '32', '33', '34');
    assert.match(text, /\| `SLACK_WEBHOOK_URL` \| `.env.docker` \| `https:\/\/hooks.slack.com\/services\/\*\*\*\*` \|/);
    assert.match(text, /\| `DISCORD_NOTIFY` \| `.env.docker` \| `https:\/\/discord.com\/api\/webhooks\/\*\*\*\*` \|/);
    assert.match(
      text,
      /\| `TEAMS_WEBHOOK` \| `docker-compose.yml` \(web: environment\) \| `https:\/\/chat.example.com\/\*\*\*\*` \|/,
    );
    assert.ok(text.includes('| curl -X POST https://acme.webhook.office.com/webhookb2/**** -d @msg.json |'));
  });

  it("masks the user of an https URL and a registry's user:password, not a variable or ssh's git user", () => {
    // Before, a Sentry DSN's key shorter than 16 characters, a token as a clone URL's user and the
    // password of a registry a FROM variable resolves to were printed.
    absent('41', '42', '43');
    assert.match(text, /\| `SENTRY_DSN` \| `.env.docker` \| `https:\/\/\*\*\*\*@o1.ingest.sentry.io\/1` \|/);
    assert.ok(text.includes('| git clone https://****@github.com/acme/models.git |'));
    assert.ok(text.includes('deploy:****@registry.gitlab.com/acme/redis:7-alpine'), text);
    assert.ok(text.includes('| git clone https://oauth2:$GL_TOKEN@gitlab.com/acme/models.git |'));
    // A variable is no secret: the compose file's password stays `${DB_PASSWORD}`.
    assert.ok(text.includes('`postgres://smarthr360:${DB_PASSWORD}@localhost:5432/smarthr360`'));
  });

  it('keeps the quotes around a masked value balanced', () => {
    // Before, `password=Leak51"` was masked with its closing quote.
    absent('51', '52');
    assert.ok(text.includes(`| psql "host=db user=app password=****" -c 'select 1' |`));
    assert.match(text, /\| `CLIENT_SECRET` \| `docker\/Dockerfile.cache` \(ENV\) \| `\*\*\*\*` \(masked\) \|/);
    assert.match(text, /\| `CACHE_PORT` \| `docker\/Dockerfile.cache` \(ENV\) \| `6379` \|/);
  });

  it('masks known token shapes of any length, and a GITHUB_PAT by its name', () => {
    absent('61', '62', '64', '65', '66');
    assert.match(text, /\| `GITHUB_PAT` \| `.env.docker` \| `\*\*\*\*` \(masked\) \|/);
    assert.match(text, /\| `SLACK_BOT` \| `.env.docker` \| `\*\*\*\*` \|/);
    assert.ok(text.includes('| ./deploy.sh **** **** **** |'));
    // Not a default that is no secret, nor an action whose name holds `pypi-`.
    assert.match(text, /\| `LOG_LEVEL` \| `.env.docker` \| `\$\{LOG_LEVEL:-info\}` \|/);
    assert.ok(text.includes('| pypa/gh-action-pypi-publish@release/v1 |'));
  });

  it('prints no value to be masked anywhere', () => {
    assert.deepEqual(text.match(/Leak\d\d/g), null, text);
  });
});
