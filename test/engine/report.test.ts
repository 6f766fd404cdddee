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

  it('masks no uid:gid, pip --user URL, ssh port or variable reference', () => {
    // Before (the first version of the wider masks): each of these lost a part to ****.
    for (const text of [
      'docker run --user 1000:1000 app pytest',
      'pip install --user git+https://github.com/org/tools.git',
      'sshpass -f pw ssh -p 2222 deploy@host',
      'redis-cli -a "$REDIS_PASSWORD" ping',
      'aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY',
      'AWS_SECRET_ACCESS_KEY web, worker',
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
