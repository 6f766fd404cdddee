import assert from 'node:assert/strict';
import { containerCommands } from '../../server/src/engine/parse/containerCommands';

describe('containerCommands', () => {
  it('docker compose run and exec, past global and command options, in a Makefile recipe', () => {
    const makefile = [
      'deps:',
      '\tdocker compose -f docker-compose.yml --profile tools run --rm -e PIP_NO_CACHE_DIR=1 -w /app web pip install -r requirements.txt',
      'shell:',
      '\tdocker compose exec -T --user app worker sh -c "celery inspect ping"',
      '',
    ].join('\n');
    assert.deepEqual(containerCommands(makefile), [
      { kind: 'service', target: 'web', words: ['pip', 'install', '-r', 'requirements.txt'] },
      { kind: 'service', target: 'worker', words: ['sh', '-c', 'celery inspect ping'] },
    ]);
  });

  it('docker-compose over continued lines, --entrypoint first, a service given by a variable', () => {
    const script = '#!/bin/sh\ndocker-compose run --rm --entrypoint /bin/sh \\\n  "$SERVICE" -c "pip-sync requirements.txt"\n';
    assert.deepEqual(containerCommands(script), [
      { kind: 'service', target: '$SERVICE', words: ['/bin/sh', '-c', 'pip-sync requirements.txt'] },
    ]);
  });

  it('docker run and docker container run of an image, in CI steps; other docker commands and comments run nothing', () => {
    const workflow = [
      'steps:',
      '  - run: docker build -t acme/web:ci .',
      '  - run: docker run --rm -v "$PWD:/src" --network=host acme/web:ci python scripts/check_pins.py requirements.txt',
      '  - run: docker container run acme/web:ci true',
      '  # - run: docker compose run web pip install -r requirements.txt',
      '  - run: docker compose up -d web && docker compose logs web',
      '',
    ].join('\n');
    assert.deepEqual(containerCommands(workflow), [
      { kind: 'image', target: 'acme/web:ci', words: ['python', 'scripts/check_pins.py', 'requirements.txt'] },
      { kind: 'image', target: 'acme/web:ci', words: ['true'] },
    ]);
  });

  it("a Makefile's @/- prefixes, a variable holding the compose command, and docker run's value options", () => {
    // Before, none of these were read: `@docker` is no `docker`, `$(DC)` was not expanded, and the
    // value of `--stop-timeout` was taken for the image.
    const makefile = [
      'DC := docker compose -f docker-compose.local.yml',
      'deps:',
      '\t@$(DC) run --rm web pip install -r requirements.txt',
      '\t-${DC} exec web pip check',
      '\t@docker run --rm --stop-timeout 5 --memory-swap 1g -a stdout acme/web:dev pip freeze',
      '',
    ].join('\n');
    assert.deepEqual(containerCommands(makefile, 'Makefile', 'makefile'), [
      { kind: 'service', target: 'web', words: ['pip', 'install', '-r', 'requirements.txt'] },
      { kind: 'service', target: 'web', words: ['pip', 'check'] },
      { kind: 'image', target: 'acme/web:dev', words: ['pip', 'freeze'] },
    ]);
  });

  it("a justfile's variable holding the compose command, {{name}} with or without blanks", () => {
    // A justfile is read with the Makefiles, in its own dialect: `$(DC)` is not how it writes a variable.
    const justfile = [
      'compose := "docker compose -f docker-compose.local.yml"',
      '',
      'deps:',
      '    @{{compose}} run --rm web pip install -r requirements.txt',
      '',
      'check:',
      '    {{ compose }} exec web pip check',
      '',
    ].join('\n');
    assert.deepEqual(containerCommands(justfile, 'justfile', 'makefile'), [
      { kind: 'service', target: 'web', words: ['pip', 'install', '-r', 'requirements.txt'] },
      { kind: 'service', target: 'web', words: ['pip', 'check'] },
    ]);
  });
});
