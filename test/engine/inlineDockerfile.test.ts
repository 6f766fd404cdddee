import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { RULES } from '../../server/src/engine/rules';

const BASE = 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*\n';
const COMPOSE = `services:
  base:
    build:
      context: .
      dockerfile: Dockerfile.base
    image: smarthr360-base:latest
    profiles: ["build"]
  web:
    build:
      context: .
      dockerfile: docker/Dockerfile.web
  celery_worker:
    build:
      context: .
      # The worker's image is small enough to live here.
      dockerfile_inline: |
        FROM smarthr360-base:latest
        RUN apt-get update && apt-get install -y curl
        CMD ["celery", "-A", "smarthr360", "worker"]
  celery_beat:
    build:
      context: .
      dockerfile_inline: "FROM python:3.12-slim AS beat"
`;

describe('dockerfile_inline', () => {
  const analyze = (compose = COMPOSE) =>
    new Analyzer(
      new MemoryFileSystem({
        'Dockerfile.base': BASE,
        'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCMD ["gunicorn"]\n',
        'docker-compose.yml': compose,
      }),
      { rules: RULES.filter((r) => ['install-outside-base', 'service-not-from-base', 'duplicate-stage-name'].includes(r.id)) },
    ).analyze();

  it('is analysed in place, with positions mapped into the compose file', () => {
    const r = analyze();
    const lines = COMPOSE.split('\n');
    const curl = r.findings.find((f) => f.ruleId === 'install-outside-base')!;
    assert.equal(curl.path, 'docker-compose.yml');
    assert.deepEqual(curl.range, { start: { line: 17, character: 49 }, end: { line: 17, character: 53 } });
    assert.equal(lines[17]!.slice(49, 53), 'curl');
    assert.equal(curl.fixable, false, 'fixes are offered on real Dockerfiles only');
  });

  it('maps a one-line quoted inline Dockerfile too, and relates the service to it', () => {
    const r = analyze();
    const beat = r.findings.find((f) => f.ruleId === 'service-not-from-base')!;
    assert.equal(beat.path, 'docker-compose.yml');
    const line = COMPOSE.split('\n')[beat.range.start.line]!;
    assert.equal(line.slice(beat.range.start.character, beat.range.end.character), 'python:3.12-slim');
    const worker = r.project.services.find((s) => s.name === 'celery_worker')!;
    assert.equal(worker.build?.inline, true);
    assert.ok(r.project.servicesBuiltFrom(worker.build!.dockerfile).includes(worker));
    assert.ok(r.project.stageDerivesFromBase(r.project.dockerfile(worker.build!.dockerfile)!, r.project.dockerfile(worker.build!.dockerfile)!.stages[0]!));
  });

  it('a comment above a continued RUN covers all its lines, as in a Dockerfile', () => {
    // Before, it covered only the RUN's first line in an inline Dockerfile: curl, on the next, was reported.
    const r = analyze(
      COMPOSE.replace(
        '        RUN apt-get update && apt-get install -y curl\n',
        '        # docker-modularity-ignore install-outside-base\n        RUN apt-get update \\\n          && apt-get install -y curl\n',
      ),
    );
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'install-outside-base'), []);
  });

  it('an edit that adds or breaks a suppression comment elsewhere in the compose file re-checks it', () => {
    // Before, the inline Dockerfile's findings were reused (its own text had not changed): the new
    // ignore-file comment hid nothing, and a broken one kept hiding the finding.
    const files = {
      'Dockerfile.base': BASE,
      'docker/Dockerfile.web': 'FROM smarthr360-base:latest\nCMD ["gunicorn"]\n',
      'docker-compose.yml': COMPOSE,
    };
    const fs = new MemoryFileSystem(files);
    const analyzer = new Analyzer(fs);
    const installs = (): number => analyzer.analyze().findings.filter((f) => f.ruleId === 'install-outside-base').length;
    assert.equal(installs(), 1);
    fs.write('docker-compose.yml', COMPOSE.replace('services:\n', 'services: # docker-modularity-ignore-file install-outside-base\n'));
    assert.equal(installs(), 0);
    fs.write('docker-compose.yml', COMPOSE.replace('services:\n', 'services: # docker-modularity-ignore-fil install-outside-base\n'));
    assert.equal(installs(), 1);
  });

  it("names another line of an inline Dockerfile by the compose file's line", () => {
    // Before, "the dependency install on line 5": the inline Dockerfile's own line, not the compose file's.
    const compose = `services:
  web:
    build:
      context: .
      dockerfile_inline: |
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
        CMD ["gunicorn", "app.wsgi"]
`;
    const r = new Analyzer(new MemoryFileSystem({ 'docker-compose.yml': compose, 'requirements.txt': 'django\n' }), {
      rules: RULES.filter((x) => x.id === 'copy-before-install'),
    }).analyze();
    const [finding] = r.findings;
    assert.equal(finding?.range.start.line, 7);
    assert.match(finding!.message, /install on line 9:/);
  });

  it('honours suppression comments in the compose file', () => {
    const r = analyze(COMPOSE.replace('        RUN apt-get update && apt-get install -y curl\n', '        RUN apt-get update && apt-get install -y curl  # docker-modularity-ignore install-outside-base\n'));
    assert.equal(r.findings.filter((f) => f.ruleId === 'install-outside-base').length, 0);
  });
});
