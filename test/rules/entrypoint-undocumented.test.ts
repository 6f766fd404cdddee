/**
 * entrypoint-undocumented: the entrypoints README has a section for every script. Each fix appends
 * the missing sections; the expected outputs are the inputs with them appended.
 */
import { RuleTester } from '../ruleTester';
import { entrypointUndocumented } from '../../server/src/engine/rules/image/entrypointUndocumented';
import { crlf } from './edit';
import { ENTRYPOINTS_README, workspace } from './imageWorkspace';
import { onLine } from './findings';
import { PLATFORM_README, STACKS_WORKSPACE } from './workspaces/stacks';

/** The finding on an entrypoints README (in `dir`) that lacks a section for `scripts`. */
const undocumented = (scripts: string, dir = 'scripts/entrypoints'): string =>
  `Expected ${dir}/README.md to document ${scripts}: every entrypoint script in ${dir}/ has a section saying what it does and which service uses it.`;

/** The section the fix appends for `script`, after a blank line. */
const section = (script: string): string => `\n## ${script}\n\nTODO: what ${script} does and which service uses it.\n`;

const CELERY_ONLY = '# Entrypoints\n\n## celery-entrypoint.sh\nRuns the worker.\n';
/** Documents a backup copy of the web entrypoint, not the script. */
const BACKUP_MENTIONED = `${CELERY_ONLY}\n## web-entrypoint.sh.bak\nOld copy.\n`;
/** No title and no final line break. */
const NO_TITLE =
  'Entrypoints for the SmartHR360 services.\n\n- web-entrypoint.sh: migrations, then Gunicorn\n- celery-entrypoint.sh: the worker';

const BEAT_ENTRYPOINT = '#!/bin/sh\nset -e\nexec celery -A smarthr360 beat -l info\n';

/** platform/'s README without worker.sh. */
const PLATFORM_NO_WORKER = PLATFORM_README.replace('## worker.sh\nWaits for Redis, then starts Celery.\n\n', '');

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
    {
      name: 'a section the fix wrote, filled in by someone: documented',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}${section('beat-entrypoint.sh')}Starts Celery beat with the database scheduler; used by celery_beat.\n`,
      }),
    },
    {
      // Each stack's folder is documented by its own README: platform's does not have to name ml's serve.sh.
      name: "a monorepo: each stack's scripts/entrypoints/README.md documents the scripts of its folder",
      files: { ...STACKS_WORKSPACE, 'scripts/entrypoints/README.md': '# Entrypoints\n' },
    },
  ],
  invalid: [
    {
      // Before, only the README of the workspace's scripts/entrypoints/ was read: platform's worker.sh
      // went unreported, and status passed on a root README holding only a title.
      name: "a monorepo: a stack's README that misses one of its folder's scripts",
      files: {
        ...STACKS_WORKSPACE,
        'platform/scripts/entrypoints/README.md': PLATFORM_NO_WORKER,
        'scripts/entrypoints/README.md': '# Entrypoints\n',
      },
      errors: [
        onLine('platform/scripts/entrypoints/README.md', 1, 3, 23, undocumented('worker.sh', 'platform/scripts/entrypoints')),
      ],
      output: {
        'platform/scripts/entrypoints/README.md': `${PLATFORM_NO_WORKER}${section('worker.sh')}`,
      },
    },
    {
      // Before, the fix's own TODO counted as documentation: status passed "every entrypoint
      // script is documented". Reported, with no fix (only a person can write it).
      name: 'a section that still holds only the TODO the fix wrote: reported on the TODO, no fix',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}${section('beat-entrypoint.sh')}`,
      }),
      errors: [
        onLine(
          'scripts/entrypoints/README.md',
          11,
          1,
          62,
          'Expected the section of beat-entrypoint.sh to say what it does and which service uses it: it still holds the TODO line the fix wrote.',
        ),
      ],
    },
    {
      name: 'a mention of a longer name (a backup copy) does not document the script',
      files: workspace({
        'scripts/entrypoints/README.md': BACKUP_MENTIONED,
      }),
      errors: [onLine('scripts/entrypoints/README.md', 1, 3, 14, undocumented('web-entrypoint.sh'))],
      output: {
        'scripts/entrypoints/README.md': `${BACKUP_MENTIONED}${section('web-entrypoint.sh')}`,
      },
    },
    {
      name: 'the beat entrypoint is missing from the README',
      files: workspace({ 'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT }),
      errors: [onLine('scripts/entrypoints/README.md', 1, 3, 21, undocumented('beat-entrypoint.sh'))],
      output: {
        'scripts/entrypoints/README.md': `${ENTRYPOINTS_README}${section('beat-entrypoint.sh')}`,
      },
    },
    {
      name: 'no title and no final line break: reported at the end, sections appended after a blank line',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/flower-entrypoint.sh': '#!/bin/sh\nexec celery flower\n',
        'scripts/entrypoints/README.md': NO_TITLE,
      }),
      errors: [onLine('scripts/entrypoints/README.md', 4, 35, 35, undocumented('beat-entrypoint.sh, flower-entrypoint.sh'))],
      output: {
        'scripts/entrypoints/README.md': `${NO_TITLE}\n${section('beat-entrypoint.sh')}${section('flower-entrypoint.sh')}`,
      },
    },
    {
      name: 'CRLF line breaks are kept',
      files: workspace({
        'scripts/entrypoints/beat-entrypoint.sh': BEAT_ENTRYPOINT,
        'scripts/entrypoints/README.md': crlf(ENTRYPOINTS_README),
      }),
      errors: [onLine('scripts/entrypoints/README.md', 1, 3, 21, undocumented('beat-entrypoint.sh'))],
      output: {
        'scripts/entrypoints/README.md': crlf(`${ENTRYPOINTS_README}${section('beat-entrypoint.sh')}`),
      },
    },
    {
      name: 'a configured entrypoints folder',
      config: { entrypointsDir: 'docker/entrypoints' },
      files: workspace({
        'docker/entrypoints/README.md': CELERY_ONLY,
        'docker/entrypoints/celery-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
        'docker/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
      }),
      errors: [onLine('docker/entrypoints/README.md', 1, 3, 14, undocumented('web-entrypoint.sh', 'docker/entrypoints'))],
      output: {
        'docker/entrypoints/README.md': `${CELERY_ONLY}${section('web-entrypoint.sh')}`,
      },
    },
  ],
});
