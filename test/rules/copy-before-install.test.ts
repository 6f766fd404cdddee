/**
 * copy-before-install: dependency manifests are copied and installed before the code. Each fix moves
 * the install (with its manifest COPY and comments) above the code COPY; the expected outputs are the
 * inputs with those lines swapped.
 */
import { RuleTester } from '../ruleTester';
import { copyBeforeInstall } from '../../server/src/engine/rules/image/copyBeforeInstall';
import { replaceOnce } from './edit';
import { workspace } from './imageWorkspace';
import { ASSETS_STAGE } from './workspaces/roadmap';
import { onLine } from './findings';

const message = (source: string, line: number): string =>
  `Unexpected ${source} copied before the dependency install on line ${line}: every code change re-runs the install. Copy the dependency manifests, install, then copy the code.`;

/** `text` with the one occurrence of `first` immediately followed by `second` turned into `second` then `first`. */
function swap(text: string, first: string, second: string): string {
  return replaceOnce(text, first + second, second + first);
}

/** The Celery Dockerfile (no CMD) with `steps` between its WORKDIR and the entrypoint COPY. */
function celery(steps: string): string {
  return `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
${steps}COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;
}

/** A web image whose frontend build stage copies its manifests, installs, then copies the frontend code. */
const FRONTEND_MANIFESTS_FIRST = `# Django + Gunicorn
${ASSETS_STAGE}
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY app/ /app/app/
COPY --from=assets /src/dist /app/static/dist
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

/** The Python code is copied before a pip install; comments stand above both. */
const CODE_BEFORE_INSTALL = `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app

# Application code
COPY . .
# Runtime-only packages
RUN pip install --no-cache-dir gunicorn==22.0.0 whitenoise

COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
`;

const APP_BEFORE_MANIFEST = celery(`COPY app/ /app/app/
COPY requirements-celery.txt .
RUN pip install --no-cache-dir \\
    -r requirements-celery.txt
`);

/** The code before the requirements files a team keeps in a `requirements/` folder. */
const APP_BEFORE_REQUIREMENTS_FOLDER = celery(`COPY app/ /app/app/
COPY requirements/celery.txt requirements/base.txt requirements/
RUN pip install --no-cache-dir -r requirements/celery.txt
`);

/** The code COPY is what brings requirements.txt; no final line break. */
const CODE_BEFORE_REQUIREMENTS = `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]`;

/** The install is the last line, with no final line break. */
const INSTALL_LAST = `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY scripts/entrypoints/celery-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
COPY app/ /app/app/
RUN pip install --no-cache-dir flower==2.0`;

/** The code COPY before an install of requirements.txt, in the last of 30 stages; the WORKDIR is set in the first. */
const MANY_STAGES = (() => {
  let text = '# Celery worker and beat, one stage per step\nFROM smarthr360-base:latest AS step0\nWORKDIR /app\n';
  for (let i = 1; i < 30; i++) {
    text += `FROM step${i - 1} AS step${i}\nRUN echo "step ${i}" > /tmp/step-${i}\n`;
  }
  return `${text}FROM step29 AS final\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n`;
})();

/** The Celery image copying its code, then installing `install` (a pip command) in the next RUN. */
const codeThenInstall = (install: string): string => celery(`COPY . .\nRUN ${install}\n`);

/** The same, with the install above the code and `copy` (the requirements files) above the install. */
const installThenCode = (copy: string, install: string): string => celery(`${copy}RUN ${install}\nCOPY . .\n`);

/** A requirements file that includes what pip must also find: the base requirements, then the worker's own. */
const CELERY_REQUIREMENTS = '-r base.txt\nflower==2.0\n';

/** The Celery image installs wheels built in a stage of their own, after copying its code. */
const WHEELS_FROM_BUILD = `# Celery worker and beat
FROM smarthr360-base:latest AS wheels
RUN pip wheel --no-cache-dir --wheel-dir /wheels flower==2.0

FROM smarthr360-base:latest
WORKDIR /app
COPY --from=wheels /wheels /wheels
COPY . .
RUN pip install --no-cache-dir --no-index -f /wheels flower==2.0
`;

RuleTester.run(copyBeforeInstall, {
  valid: [
    { name: 'a roadmap-following workspace (the base copies requirements.txt, then installs)', files: workspace() },
    {
      name: 'a frontend build stage that copies its manifests first',
      files: workspace({
        'docker/Dockerfile.web': FRONTEND_MANIFESTS_FIRST,
        'frontend/package.json': '{}\n',
        'frontend/package-lock.json': '{}\n',
      }),
    },
    {
      name: 'installing the project itself needs its code',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
RUN pip install --no-cache-dir -e .
`),
      }),
    },
    {
      // Before, each of these was reported, and the fix moved the install above the COPY it needs.
      name: 'the project with extras, by an absolute path, or in a subfolder needs its code too',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
RUN pip install --no-cache-dir -e ".[prod]"
RUN pip install --no-cache-dir --no-deps /app
RUN pip install --no-cache-dir src/worker
`),
      }),
    },
    {
      name: 'code copied after the install, single files before it',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY manage.py .
RUN pip install --no-cache-dir celery[redis]==5.3
COPY app/ /app/app/
`),
      }),
    },
  ],
  invalid: [
    {
      name: 'COPY . . before pip install: the install moves above, comments stay with their instructions',
      files: workspace({
        'docker/Dockerfile.web': CODE_BEFORE_INSTALL,
      }),
      errors: [onLine('docker/Dockerfile.web', 6, 6, 7, message('.', 8))],
      output: {
        'docker/Dockerfile.web': swap(
          CODE_BEFORE_INSTALL,
          '# Application code\nCOPY . .\n',
          '# Runtime-only packages\nRUN pip install --no-cache-dir gunicorn==22.0.0 whitenoise\n',
        ),
      },
    },
    {
      name: 'an app folder before the manifest COPY and the install: both move',
      files: workspace({
        'docker/Dockerfile.celery': APP_BEFORE_MANIFEST,
        'requirements-celery.txt': 'flower==2.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 10, message('app/', 6))],
      output: {
        'docker/Dockerfile.celery': swap(
          APP_BEFORE_MANIFEST,
          'COPY app/ /app/app/\n',
          'COPY requirements-celery.txt .\nRUN pip install --no-cache-dir \\\n    -r requirements-celery.txt\n',
        ),
      },
    },
    {
      // Before, requirements/celery.txt was not seen as a manifest: its COPY stayed below the code,
      // so the install could not move, and the finding had no fix.
      name: 'a file of the requirements/ folder is a manifest: the code COPY moves below its COPY and install',
      files: workspace({
        'docker/Dockerfile.celery': APP_BEFORE_REQUIREMENTS_FOLDER,
        'requirements/celery.txt': '-r base.txt\nflower==2.0\n',
        'requirements/base.txt': 'celery==5.4.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 10, message('app/', 6))],
      output: {
        'docker/Dockerfile.celery': swap(
          APP_BEFORE_REQUIREMENTS_FOLDER,
          'COPY app/ /app/app/\n',
          'COPY requirements/celery.txt requirements/base.txt requirements/\nRUN pip install --no-cache-dir -r requirements/celery.txt\n',
        ),
      },
    },
    {
      name: 'a requirements file only the code COPY provides gets its own COPY',
      files: workspace({
        'docker/Dockerfile.celery': CODE_BEFORE_REQUIREMENTS,
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          CODE_BEFORE_REQUIREMENTS,
          'COPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n',
          'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n',
        ),
      },
    },
    {
      // Before, only requirements/celery.txt was copied: pip failed on its `-r base.txt`
      // ("Could not open requirements file").
      name: 'a requirements file that includes another: the fix copies both',
      files: workspace({
        'docker/Dockerfile.celery': codeThenInstall('pip install --no-cache-dir -r requirements/celery.txt'),
        'requirements/celery.txt': CELERY_REQUIREMENTS,
        'requirements/base.txt': 'celery==5.4.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
      output: {
        'docker/Dockerfile.celery': installThenCode(
          'COPY requirements/celery.txt requirements/base.txt /app/requirements/\n',
          'pip install --no-cache-dir -r requirements/celery.txt',
        ),
      },
    },
    {
      // Before, constraints.txt (named on the command line) and the files requirements-celery.txt
      // includes were left behind.
      name: 'constraints on the command line, and nested --requirement / --constraint in the file: every file is copied',
      files: workspace({
        'docker/Dockerfile.celery': codeThenInstall('pip install --no-cache-dir -c constraints.txt -r requirements-celery.txt'),
        'requirements-celery.txt': '--requirement requirements/base.txt\n--constraint=constraints-celery.txt\nflower==2.0\n',
        'requirements/base.txt': '-r common.txt\n',
        'requirements/common.txt': 'celery==5.4.0\n',
        'constraints.txt': 'redis==5.0.4\n',
        'constraints-celery.txt': 'flower==2.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
      output: {
        'docker/Dockerfile.celery': installThenCode(
          'COPY requirements-celery.txt constraints-celery.txt constraints.txt ./\n' +
            'COPY requirements/base.txt requirements/common.txt /app/requirements/\n',
          'pip install --no-cache-dir -c constraints.txt -r requirements-celery.txt',
        ),
      },
    },
    {
      // Before, the manifest COPY moved above the code without requirements/base.txt, which only the
      // code COPY provided.
      name: 'the manifest COPY that moves lacks an included file: the fix copies it too',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
COPY requirements/celery.txt requirements/
RUN pip install --no-cache-dir -r requirements/celery.txt
`),
        'requirements/celery.txt': CELERY_REQUIREMENTS,
        'requirements/base.txt': 'celery==5.4.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 6))],
      output: {
        'docker/Dockerfile.celery': celery(`COPY requirements/base.txt /app/requirements/base.txt
COPY requirements/celery.txt requirements/
RUN pip install --no-cache-dir -r requirements/celery.txt
COPY . .
`),
      },
    },
    {
      name: 'the working directory is set 29 stages above the install: the fix still knows where requirements.txt lands',
      files: workspace({
        'docker/Dockerfile.celery': MANY_STAGES,
      }),
      errors: [onLine('docker/Dockerfile.celery', 63, 6, 7, message('.', 64))],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          MANY_STAGES,
          'COPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n',
          'COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n',
        ),
      },
    },
    {
      name: 'the install is the last line, with no final line break',
      files: workspace({
        'docker/Dockerfile.celery': INSTALL_LAST,
      }),
      errors: [onLine('docker/Dockerfile.celery', 6, 6, 10, message('app/', 7))],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          INSTALL_LAST,
          'COPY app/ /app/app/\nRUN pip install --no-cache-dir flower==2.0',
          'RUN pip install --no-cache-dir flower==2.0\nCOPY app/ /app/app/',
        ),
      },
    },
    {
      name: 'an install with its cache cleanup, past an entrypoint COPY: the whole RUN moves',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /usr/local/bin/celery-entrypoint.sh
RUN pip install --no-cache-dir flower==2.0 && rm -rf /root/.cache/pip
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 10, message('app/', 6))],
      output: {
        'docker/Dockerfile.celery': celery(`RUN pip install --no-cache-dir flower==2.0 && rm -rf /root/.cache/pip
COPY app/ /app/app/
COPY scripts/entrypoints/celery-entrypoint.sh /usr/local/bin/celery-entrypoint.sh
`),
      },
    },
    {
      // Before (today's first version), no fix: `set -eux` and the purge of the build dependencies were
      // taken for commands that need the code.
      name: 'an install under set -eux that purges its build dependencies: the whole RUN moves',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
RUN set -eux; apt-get update && apt-get install -y gcc && pip install --no-cache-dir flower==2.0 && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 10, message('app/', 5))],
      output: {
        'docker/Dockerfile.celery':
          celery(`RUN set -eux; apt-get update && apt-get install -y gcc && pip install --no-cache-dir flower==2.0 && apt-get purge -y gcc && rm -rf /var/lib/apt/lists/*
COPY app/ /app/app/
`),
      },
    },
    {
      name: 'npm ci after the whole frontend folder, with no manifest COPY: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': replaceOnce(
          FRONTEND_MANIFESTS_FIRST,
          'COPY frontend/package.json frontend/package-lock.json ./\nRUN npm ci\nCOPY frontend/ ./\nRUN npm run build\n',
          'COPY frontend/ ./\nRUN npm ci && npm run build\n',
        ),
        'frontend/package.json': '{}\n',
      }),
      errors: [onLine('docker/Dockerfile.web', 4, 6, 15, message('frontend/', 5))],
    },
    {
      // Before, the RUN moved above `COPY . .` with its trailing `\`: Docker skips the comment line
      // inside a continuation, so the RUN went on into the COPY and installed "COPY", ".", ".".
      name: 'the last RUN of the file ends in a continuation before a commented-out line: moved, the continuation ended',
      files: workspace({
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir flower==2.0 \\
    # && pip install --no-cache-dir celery-exporter==1.7
`,
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
      output: {
        'docker/Dockerfile.celery': `# Celery worker and beat
FROM smarthr360-base:latest
WORKDIR /app
RUN pip install --no-cache-dir flower==2.0
    # && pip install --no-cache-dir celery-exporter==1.7
COPY . .
`,
      },
    },
    {
      // Before, the fix moved the whole RUN above `COPY . .`: collectstatic then ran with no manage.py.
      name: 'an install RUN that also runs collectstatic needs the code: reported without a fix',
      files: workspace({
        'docker/Dockerfile.web': `# Django + Gunicorn
FROM smarthr360-base:latest AS final
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt && python manage.py collectstatic --noinput
COPY scripts/entrypoints/web-entrypoint.sh /entrypoint.sh
ENTRYPOINT ["/entrypoint.sh"]
CMD ["gunicorn", "smarthr360.wsgi:application", "--bind", "0.0.0.0:8000"]
`,
      }),
      errors: [onLine('docker/Dockerfile.web', 4, 6, 7, message('.', 5))],
    },
    {
      // Before, the fix moved the RUN with its `pip install -e .` above the code it installs.
      name: 'an install RUN that goes on to install the project itself: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
RUN pip install --no-cache-dir -r requirements.txt \\
    && pip install --no-cache-dir -e .
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
    },
    {
      // Before, the fix moved the venv's pip above the RUN that creates the venv.
      name: 'a RUN between the code COPY and the install (the venv it installs into): reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
RUN python -m venv /opt/venv
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 6))],
    },
    {
      name: 'a COPY of wheels between the code COPY and an install that finds its packages there: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY . .
COPY wheels/ /wheels/
RUN pip install --no-cache-dir --no-index -f /wheels flower==2.0
`),
        'wheels/flower-2.0-py3-none-any.whl': 'wheel\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 6))],
    },
    ...[
      ['installs the project itself (-e .)', '-r base.txt\n-e .\n'],
      ['installs a local package', 'flower==2.0\n./libs/tasks\n'],
      ['installs a local package by a file URL', 'tasks @ file:///app/libs/tasks\n'],
      ['finds its packages in a folder of the code', '--find-links wheels/\nflower==2.0\n'],
      ['includes a file the analysis does not read (not named requirements*)', '-r ../common.txt\nflower==2.0\n'],
      ['includes a missing file', '-r missing.txt\nflower==2.0\n'],
      ['includes a file outside the build context', '-r ../../shared/requirements.txt\nflower==2.0\n'],
    ].map(([what, text]) => ({
      // Before, the fix moved the install above the code it needs (or copied only requirements/celery.txt).
      name: `the requirements file ${what}: reported without a fix`,
      files: workspace({
        'docker/Dockerfile.celery': codeThenInstall('pip install --no-cache-dir -r requirements/celery.txt'),
        'requirements/celery.txt': text!,
        'requirements/base.txt': 'celery==5.4.0\n',
        'common.txt': 'celery==5.4.0\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
    })),
    {
      name: 'wheels built in an earlier stage and copied before the code: the install still moves',
      files: workspace({
        'docker/Dockerfile.celery': WHEELS_FROM_BUILD,
      }),
      errors: [onLine('docker/Dockerfile.celery', 8, 6, 7, message('.', 9))],
      output: {
        'docker/Dockerfile.celery': replaceOnce(
          WHEELS_FROM_BUILD,
          'COPY . .\nRUN pip install --no-cache-dir --no-index -f /wheels flower==2.0\n',
          'RUN pip install --no-cache-dir --no-index -f /wheels flower==2.0\nCOPY . .\n',
        ),
      },
    },
    {
      // Before, the install moved above the code COPY that provides the wheels folder.
      name: 'an install that finds its packages in a folder of the code (--find-links wheels): reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': codeThenInstall(
          'pip install --no-cache-dir --no-index --find-links wheels -r requirements.txt',
        ),
        'wheels/flower-2.0-py3-none-any.whl': 'wheel\n',
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 7, message('.', 5))],
    },
    {
      name: 'an ENV between the code COPY and the install: reported without a fix',
      files: workspace({
        'docker/Dockerfile.celery': celery(`COPY app/ /app/app/
ENV PIP_INDEX_URL=https://pypi.internal/simple
RUN pip install --no-cache-dir flower==2.0
`),
      }),
      errors: [onLine('docker/Dockerfile.celery', 4, 6, 10, message('app/', 6))],
    },
  ],
});
