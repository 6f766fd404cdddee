/**
 * secret-in-environment: a Dockerfile ENV that goes whole keeps a file with no final line break
 * without one (before, removing the last line `ENV API_KEY=…` left `COPY . .\n`), and the comment
 * lines directly above it move with it to secrets.env, as a compose entry's do, unless the
 * instruction right below stays (the comment heads that one too).
 */
import { RuleTester } from '../ruleTester';
import { secretInEnvironment } from '../../server/src/engine/rules/env/secretInEnvironment';
import { SECRETS_ENV, WEB_DOCKERFILE, workspace } from './envWorkspace';
import { crlf } from './edit';
import { onLine } from './findings';

/** Web's Dockerfile (its last line CMD, no final line break) followed by `tail`. */
const WEB = WEB_DOCKERFILE.replace(/\n$/, '');
const CMD = 'CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]';
const BEFORE_CMD = WEB.slice(0, WEB.indexOf(CMD));
const SECRET = 'ENV API_KEY=abcd1234secretvalue';

const message =
  'Unexpected secret API_KEY in ENV: it is baked into every image built from this Dockerfile; keep it in secrets.env.';
const secretsWith = (...lines: string[]) => `${SECRETS_ENV}${lines.join('\n')}\n`;

RuleTester.run(secretInEnvironment, {
  valid: [],
  invalid: [
    {
      name: 'the last line of a Dockerfile with no final line break: removed with the break above it',
      files: workspace({ 'docker/Dockerfile.web': `${WEB}\n${SECRET}` }),
      errors: [onLine('docker/Dockerfile.web', 7, 13, 32, message)],
      output: {
        'docker/Dockerfile.web': WEB,
        'secrets.env': secretsWith('API_KEY=abcd1234secretvalue'),
      },
    },
    {
      name: 'the same in a CRLF file, a comment line above it: the comment moves with it, no final break added',
      files: workspace({ 'docker/Dockerfile.web': crlf(`${WEB}\n# api key\n${SECRET}`) }),
      errors: [onLine('docker/Dockerfile.web', 8, 13, 32, message)],
      output: {
        'docker/Dockerfile.web': crlf(WEB),
        'secrets.env': secretsWith('# api key', 'API_KEY=abcd1234secretvalue'),
      },
    },
    {
      name: 'a blank line and comment lines above the last line: the comments move, the blank line goes',
      files: workspace({ 'docker/Dockerfile.web': `${WEB}\n\n# api key\n# (rotated monthly)\n${SECRET}` }),
      errors: [onLine('docker/Dockerfile.web', 10, 13, 32, message)],
      output: {
        'docker/Dockerfile.web': WEB,
        'secrets.env': secretsWith('# api key', '# (rotated monthly)', 'API_KEY=abcd1234secretvalue'),
      },
    },
    {
      name: 'a commented ENV with a final line break: the comment moves, the final break stays',
      files: workspace({ 'docker/Dockerfile.web': `${WEB}\n# api key\n${SECRET}\n` }),
      errors: [onLine('docker/Dockerfile.web', 8, 13, 32, message)],
      output: {
        'docker/Dockerfile.web': `${WEB}\n`,
        'secrets.env': secretsWith('# api key', 'API_KEY=abcd1234secretvalue'),
      },
    },
    {
      name: 'a comment above the ENV and the CMD right below it: the comment stays with the CMD',
      files: workspace({ 'docker/Dockerfile.web': `${BEFORE_CMD}# api key and server\n${SECRET}\n${CMD}` }),
      errors: [onLine('docker/Dockerfile.web', 7, 13, 32, message)],
      output: {
        'docker/Dockerfile.web': `${BEFORE_CMD}# api key and server\n${CMD}`,
        'secrets.env': secretsWith('API_KEY=abcd1234secretvalue'),
      },
    },
  ],
});
