import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import {
  cleanTemps,
  copyExample,
  ensureBuilt,
  parseFindings,
  registeredRules,
  runCli,
  writeFiles,
  tempDir,
  REPO,
} from './helpers';
import { cookiecutterOnBase, djangoDockerfile, PRODUCTION_COMPOSE } from '../rules/workspaces/cookiecutterOnBase';

// The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (draft-04, hence ajv-draft-04).
const SARIF_SCHEMA = path.join(REPO, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: { id: string; helpUri: string; help: { text: string }; defaultConfiguration: { level: string } }[];
      };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
    }[];
  }[];
}

describe('cli: output formats', function () {
  this.timeout(120_000);
  let ws: string;
  before(function () {
    ensureBuilt();
    ws = copyExample();
  });
  after(cleanTemps);

  it('sarif validates against the SARIF 2.1.0 JSON schema and matches the json findings', function () {
    const r = runCli(['check', '.', '--format', 'sarif'], { cwd: ws });
    assert.equal(r.status, 1, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    // The schema's language pattern has a stray `]` that only non-unicode regular expressions accept.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')) as object);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 1));

    const run = log.runs[0]!;
    assert.equal(log.version, '2.1.0');
    assert.equal(run.tool.driver.name, 'docker-modularity');
    assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
    const ruleIds = run.tool.driver.rules.map((x) => x.id);
    for (const rule of registeredRules()) {
      const d = run.tool.driver.rules.find((x) => x.id === rule.id);
      assert.ok(d, rule.id);
      assert.ok(
        d.help.text.length > 0 &&
          d.helpUri === `https://github.com/docker-modularity/docker-modularity/blob/main/docs/rules/${rule.id}.md`,
      );
      assert.equal(
        d.defaultConfiguration.level,
        { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[rule.defaultLevel],
      );
    }
    const json = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    assert.equal(run.results.length, json.length);
    run.results.forEach((res, i) => {
      const f = json[i]!;
      assert.equal(res.ruleId, f.rule);
      assert.equal(ruleIds[res.ruleIndex], res.ruleId);
      assert.equal(res.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[f.severity]);
      assert.equal(res.message.text, f.message);
      const loc = res.locations[0]!.physicalLocation;
      assert.equal(loc.artifactLocation.uri, f.file);
      assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.deepEqual(loc.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
    });
  });

  it('sarif of a clean workspace is valid with no results', function () {
    const dir = tempDir();
    writeFiles(dir, { Dockerfile: 'FROM python:3.12-slim\n' });
    const r = runCli(['check', dir, '--format', 'sarif']);
    assert.equal(r.status, 0);
    assert.deepEqual((JSON.parse(r.stdout) as SarifLog).runs[0]!.results, []);
  });

  it('github: one workflow command per finding, with 1-based positions and the rule as title', function () {
    const r = runCli(['check', '.', '--format', 'github'], { cwd: ws });
    assert.equal(r.status, 1);
    const lines = r.stdout.trimEnd().split('\n');
    const json = parseFindings(runCli(['check', '.', '--format', 'json'], { cwd: ws }).stdout);
    assert.equal(lines.length, json.length);
    for (const line of lines) {
      assert.match(line, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z-]+::\S/);
    }
    assert.ok(
      lines.includes(
        '::warning file=docker/Dockerfile.web,line=13,col=5,endLine=13,endColumn=9,title=install-outside-base::Unexpected apt-get install of "curl" outside the base image; install it in Dockerfile.base.',
      ),
      r.stdout,
    );
    const info = json.findIndex((f) => f.severity === 'info');
    if (info >= 0) {
      assert.ok(lines[info]!.startsWith('::notice '));
    }
  });

  it('github: escapes %, newlines, colons and commas as GitHub requires', function () {
    const dir = tempDir();
    // A file name with a comma and a YAML error message that contains a colon.
    writeFiles(dir, { 'sub,dir/compose.yaml': 'services:\n  web: [\n' });
    const r = runCli(['check', '.', '--format', 'github'], { cwd: dir });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^::error file=sub%2Cdir\/compose\.yaml,line=\d+,/m);
    for (const line of r.stdout.trimEnd().split('\n')) {
      const props = line.slice(2, line.indexOf('::', 2));
      assert.doesNotMatch(props.replace(/^\w+ /, '').replace(/,(file|line|col|endLine|endColumn|title)=/g, ''), /[,\n]/);
    }
  });

  it('a token passed as a build arg and read in an install is never printed, in any format', function () {
    // Before, install-outside-base named the file as the build gives it:
    // `-r https://${GITHUB_TOKEN}@raw… (https://ghp_…@raw…)`, twice per message.
    const token = 'ghp_abcdefSECRET1234567890';
    const dir = tempDir();
    const django = djangoDockerfile(
      'RUN pip install --no-cache-dir -r https://${GITHUB_TOKEN}@raw.githubusercontent.com/acme/pins/main/requirements.txt \\\n' +
        '  && pip install --no-cache-dir -r ${GITHUB_TOKEN}.txt\n',
    ).replace('ARG BUILD_ENVIRONMENT\n', 'ARG BUILD_ENVIRONMENT\nARG GITHUB_TOKEN\n');
    writeFiles(
      dir,
      cookiecutterOnBase({
        'compose/production/django/Dockerfile': django,
        'docker-compose.production.yml': PRODUCTION_COMPOSE.replace(
          '      dockerfile: ./compose/production/django/Dockerfile\n',
          `      dockerfile: ./compose/production/django/Dockerfile\n      args:\n        GITHUB_TOKEN: ${token}\n`,
        ),
      }),
    );
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const r = runCli(['check', '.', '--format', format], { cwd: dir });
      // Warnings only: the exit status is 0.
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /install -r \$\{GITHUB_TOKEN\}\.txt/, format);
      assert.ok(!(r.stdout + r.stderr).includes('SECRET1234567890'), `${format}:\n${r.stdout}`);
    }
  });
});
