/**
 * compose-go's merge tags: `!reset` drops what the files before gave a key (its own value is
 * ignored), `!override` replaces it instead of merging. The merged service and the fixes follow them.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import { envFileMissing } from '../../server/src/engine/rules/env/envFileMissing';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { serviceNetworkMissing } from '../../server/src/engine/rules/compose/serviceNetworkMissing';
import { sharedVolumeMissing } from '../../server/src/engine/rules/compose/sharedVolumeMissing';
import { fixOutput } from '../ruleTester';
import { COMPOSE, ROADMAP_WORKSPACE } from '../rules/workspaces/roadmap';
import { replaceOnce } from '../rules/edit';

/** The roadmap workspace with a Stripe key in web's environment, next to its env file. */
const WITH_STRIPE = replaceOnce(
  COMPOSE,
  '    env_file: .env.docker\n    volumes:\n      - static_volume:/app/staticfiles\n',
  '    env_file: .env.docker\n    environment:\n      STRIPE_SECRET_KEY: sk_live_abcdefghijklmnopqrstuvwx\n      LOG_LEVEL: info\n    volumes:\n      - static_volume:/app/staticfiles\n',
);

/** A local override: web reads no env file, only a debug token, mounts nothing, is on its own network. */
const OVERRIDE = `services:
  web:
    env_file: !reset [secrets.env]
    environment: !override
      DEBUG_TOKEN: tok_abcdef0123456789abc
    volumes: !reset
    networks: !override [debug]
networks:
  debug:
`;

const files = (override = OVERRIDE): Record<string, string> => ({
  ...ROADMAP_WORKSPACE,
  'docker-compose.yml': WITH_STRIPE,
  'docker-compose.override.yml': override,
});

describe('compose merge tags (!reset, !override)', () => {
  it('a !reset key drops what came before and its own value; an !override key replaces', () => {
    // Before, web read .env.docker and secrets.env, had all three variables, mounted static_volume
    // and was on both networks.
    const project = new Analyzer(new MemoryFileSystem(files()), { rules: [] }).analyze().project;
    const web = project.composeProjects[0]!.services.get('web')!;
    assert.deepEqual(web.envFiles, []);
    assert.deepEqual(
      web.environment.map((e) => `${e.key}@${e.def.path}`),
      ['DEBUG_TOKEN@docker-compose.override.yml'],
    );
    assert.deepEqual(web.volumes, []);
    assert.deepEqual(
      web.networks.map((n) => `${n.value}@${n.def.path}`),
      ['debug@docker-compose.override.yml'],
    );
    // The definition's own !reset value is not read either.
    const override = web.defs.find((d) => d.path === 'docker-compose.override.yml')!;
    assert.deepEqual(override.envFiles, []);
    assert.equal(override.envFileKey?.merge, 'reset');
    assert.equal(override.environmentKey?.merge, 'override');
    // celery_worker, which the override does not name, is as before.
    assert.deepEqual(
      project.composeProjects[0]!.services.get('celery_worker')!.envFiles.map((e) => e.path),
      ['.env.docker'],
    );
  });

  it('no fix adds an entry into a !reset value, or before a later file resets or overrides the key', () => {
    // Before, --fix wrote `env_file: !reset [secrets.env]` (compose-go ignores it: web ran without
    // its secrets), env-file-missing was not reported, and once it was its fix wrote
    // `env_file: [.env.docker, .env.docker]`; the network fix added smarthr360-network again.
    const analyzer = new Analyzer(new MemoryFileSystem(files(OVERRIDE.replace('!reset [secrets.env]', '!reset []'))), {
      rules: [secretInEnvironment, envFileMissing, serviceNetworkMissing, sharedVolumeMissing],
    });
    const { findings } = analyzer.analyze();
    assert.deepEqual(
      findings.map((f) => `${f.ruleId} ${f.path}:${f.range.start.line + 1}`),
      [
        'secret-in-environment docker-compose.override.yml:5',
        'env-file-missing docker-compose.yml:9',
        'secret-in-environment docker-compose.yml:15',
        'service-network-missing docker-compose.yml:19',
      ],
    );
    const fs = new MemoryFileSystem(files(OVERRIDE.replace('!reset [secrets.env]', '!reset []')));
    assert.deepEqual(fixOutput(findings, fs).output, {});
    // And none says it is fixable: before, the CLI promised fixes --fix never made.
    assert.deepEqual(
      findings.filter((f) => f.fixable).map((f) => f.ruleId),
      [],
    );
  });

  it('an entry is still added into an !override list, which the service reads', () => {
    const override = `services:\n  web:\n    env_file: !override [.env.docker]\n    environment:\n      DEBUG_TOKEN: tok_abcdef0123456789abc\n`;
    const fs = new MemoryFileSystem(files(override));
    const { findings } = new Analyzer(fs, { rules: [secretInEnvironment] }).analyze();
    const debug = findings.filter((f) => f.path === 'docker-compose.override.yml');
    assert.equal(debug.length, 1);
    const { output } = fixOutput(debug, fs);
    assert.equal(
      output['docker-compose.override.yml'],
      `services:\n  web:\n    env_file: !override [.env.docker, secrets.env]\n`,
    );
    assert.equal(output['secrets.env'], 'DEBUG_TOKEN=tok_abcdef0123456789abc\n');
  });
});
