import { RuleTester } from '../ruleTester';
import { entrypointUndocumented } from '../../server/src/engine/rules/image/entrypointUndocumented';
import { ENTRYPOINTS_README, workspace } from './imageWorkspace';

const BEAT_ENTRYPOINT = '#!/bin/sh\nset -e\nexec celery -A smarthr360 beat -l info\n';

RuleTester.run(entrypointUndocumented, {
  valid: [
    { name: 'a roadmap-following workspace', files: workspace() },
    {
      name: 'a script named without its extension, in a table; dotfiles and subfolders are not entrypoints',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/.gitkeep': '',
        'scripts/entrypoints/lib/common.sh': '#!/bin/sh\n',
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}
| script | service |
|---|---|
| \`beat-entrypoint\` | celery_beat |
`,
      }),
    },
    {
      name: 'another README in the workspace is not the entrypoints README',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}
## beat-entrypoint.sh
Starts Celery beat.
`,
        'docs/README.md': '# Docs\n',
      }),
    },
  ],
  invalid: [
    {
      name: 'a mention of a longer name (a backup copy) does not document the script',
      files: workspace({
        'scripts/entrypoints/README.md': '# Entrypoints\n\n## celery-entrypoint.sh\nRuns the worker.\n\n## web-entrypoint.sh.bak\nOld copy.\n',
      }),
      errors: [
        {
          path: 'scripts/entrypoints/README.md',
          message:
            'Expected scripts/entrypoints/README.md to document web-entrypoint.sh: every entrypoint script in scripts/entrypoints/ has a section saying what it does and which service uses it.',
          line: 1,
          column: 3,
          endLine: 1,
          endColumn: 14,
        },
      ],
      output: {
        'scripts/entrypoints/README.md':
          '# Entrypoints\n\n## celery-entrypoint.sh\nRuns the worker.\n\n## web-entrypoint.sh.bak\nOld copy.\n\n## web-entrypoint.sh\n\nTODO: what web-entrypoint.sh does and which service uses it.\n',
      },
    },
    {
      name: 'the beat entrypoint is missing from the README',
      files: workspace({ 'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT }),
      errors: [
        {
          path: 'scripts/entrypoints/README.md',
          message:
            'Expected scripts/entrypoints/README.md to document beat-entrypoint.sh: every entrypoint script in scripts/entrypoints/ has a section saying what it does and which service uses it.',
          line: 1,
          column: 3,
          endLine: 1,
          endColumn: 21,
        },
      ],
      output: {
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}
## beat-entrypoint.sh

TODO: what beat-entrypoint.sh does and which service uses it.
`,
      },
    },
    {
      name: 'no title and no final line break: reported at the end, sections appended after a blank line',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/flower-entrypoint.sh': '#!/bin/sh\nexec celery flower\n',
        'scripts/entrypoints/README.md': 'Entrypoints for the SmartHR360 services.\n\n- web-entrypoint.sh: migrations, then Gunicorn\n- celery-entrypoint.sh: the worker',
      }),
      errors: [
        {
          path: 'scripts/entrypoints/README.md',
          message:
            'Expected scripts/entrypoints/README.md to document beat-entrypoint.sh, flower-entrypoint.sh: every entrypoint script in scripts/entrypoints/ has a section saying what it does and which service uses it.',
          line: 4,
          column: 35,
          endLine: 4,
          endColumn: 35,
        },
      ],
      output: {
        'scripts/entrypoints/README.md': `Entrypoints for the SmartHR360 services.

- web-entrypoint.sh: migrations, then Gunicorn
- celery-entrypoint.sh: the worker

## beat-entrypoint.sh

TODO: what beat-entrypoint.sh does and which service uses it.

## flower-entrypoint.sh

TODO: what flower-entrypoint.sh does and which service uses it.
`,
      },
    },
    {
      name: 'CRLF line breaks are kept',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/README.md': ENTRYPOINTS_README.replace(/\n/g, '\r\n'),
      }),
      errors: [
        {
          path: 'scripts/entrypoints/README.md',
          message:
            'Expected scripts/entrypoints/README.md to document beat-entrypoint.sh: every entrypoint script in scripts/entrypoints/ has a section saying what it does and which service uses it.',
          line: 1,
          column: 3,
          endLine: 1,
          endColumn: 21,
        },
      ],
      output: {
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}\n## beat-entrypoint.sh\n\nTODO: what beat-entrypoint.sh does and which service uses it.\n`.replace(/\n/g, '\r\n'),
      },
    },
    {
      name: 'a configured entrypoints folder',
      config: { entrypointsDir: 'docker/entrypoints' },
      files: workspace({
        'docker/entrypoints/README.md': '# Entrypoints\n\n## celery-entrypoint.sh\nRuns the worker.\n',
        'docker/entrypoints/celery-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
        'docker/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
      }),
      errors: [
        {
          path: 'docker/entrypoints/README.md',
          message:
            'Expected docker/entrypoints/README.md to document web-entrypoint.sh: every entrypoint script in docker/entrypoints/ has a section saying what it does and which service uses it.',
          line: 1,
          column: 3,
          endLine: 1,
          endColumn: 14,
        },
      ],
      output: {
        'docker/entrypoints/README.md': '# Entrypoints\n\n## celery-entrypoint.sh\nRuns the worker.\n\n## web-entrypoint.sh\n\nTODO: what web-entrypoint.sh does and which service uses it.\n',
      },
    },
  ],
});
