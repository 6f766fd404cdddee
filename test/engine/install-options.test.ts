/**
 * install-outside-base, *Move to base image* with install options: the fix keeps what changes
 * where or how a package is installed (index URLs, channels, target releases, --pre, --upgrade,
 * --system…), merges into a base install only when both install the same way, and is not offered
 * when an option reads a file of the service's build (-r, -c, --find-links ./dir) or comes from a
 * build variable. Workspaces start from the shared small workspace (test/rules/workspaces/small.ts:
 * a compose file building Dockerfile.base as smarthr360-base:latest, web and celery_worker FROM it).
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Finding } from '../../server/src/engine/rule';
import { installOutsideBase } from '../../server/src/engine/rules/dockerfile/installOutsideBase';
import { parseShell } from '../../server/src/engine/parse/shell';
import { detectInstall, type InstallCommand } from '../../server/src/engine/parse/installs';
import {
  keptOptionsText,
  moveBlocker,
  optionParts,
  optionsSignature,
  sameOptions,
  packageWord,
  shellQuote,
} from '../../server/src/engine/parse/installOptions';
import { fixOutput, RuleTester, type ExpectedError, type InvalidCase } from '../ruleTester';
import { smallWorkspace } from '../rules/workspaces/small';

// ---------------------------------------------------------------------------------------------
// Workspaces

const APT_RUN = `RUN apt-get update && apt-get install -y --no-install-recommends \\
    build-essential \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
`;
const PIP_RUN = `RUN pip install --no-cache-dir \\
    celery==5.4.0 \\
    django==5.0.6
`;
/** A new apt RUN as the fix writes it: update, install -y with the kept options, one package a line, list cleanup. */
const newAptRun = (options: string, pkg: string): string =>
  `RUN apt-get update && apt-get install -y${options} \\\n    ${pkg} \\\n    && rm -rf /var/lib/apt/lists/*\n`;
/** PIP_RUN with one more package appended to its list, the way a merge writes it. */
const pipRunWith = (word: string): string => PIP_RUN.replace('django==5.0.6\n', `django==5.0.6 \\\n    ${word}\n`);
const PRIVATE_PIP_RUN = 'RUN pip install --no-cache-dir --index-url https://pypi.internal/simple internal-auth==1.2.0\n';
const TAIL = `WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;
const HEAD = `# Shared base image: the only image that installs packages.
FROM python:3.12-slim
`;
/** The base: apt and pip installs of packages, then the requirements. */
const BASE = `${HEAD}\n${APT_RUN}\n${PIP_RUN}\n${TAIL}`;
/** The base with a second pip install, from the private index. */
const BASE_PRIVATE = `${HEAD}\n${APT_RUN}\n${PIP_RUN}${PRIVATE_PIP_RUN}\n${TAIL}`;

const CONDA_RUN = `RUN conda install -y -c conda-forge \\
    numpy=1.26 \\
    pandas=2.2 \\
    && conda clean -afy
`;
const CONDA_TAIL = `WORKDIR /app
COPY environment.yml .
`;
/** A conda base: the scientific stack from conda-forge. */
const CONDA_BASE = `FROM continuumio/miniconda3:24.1.2-0\n${CONDA_RUN}${CONDA_TAIL}`;

const APK_RUN = 'RUN apk add --no-cache libpq tini\n';
const APK_BASE = `FROM python:3.12-alpine\n${APK_RUN}WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n`;

const SERVICE_HEAD = 'FROM smarthr360-base:latest\nWORKDIR /app\n';
const WEB_TAIL = 'COPY . .\nCMD ["gunicorn", "smarthr360.wsgi:application"]\n';
const CELERY_TAIL = 'COPY app/ /app/app/\nCMD ["celery", "-A", "smarthr360", "worker"]\n';

/** A service Dockerfile whose install lines are `lines` (each ending in a newline). */
const web = (lines = ''): string => `${SERVICE_HEAD}${lines}${WEB_TAIL}`;
const celery = (lines = ''): string => `${SERVICE_HEAD}${lines}${CELERY_TAIL}`;

const WEB = 'docker/Dockerfile.web';
const CELERY = 'docker/Dockerfile.celery';

/** The shared small workspace (compose: base, web, celery_worker, nginx) with this file's base. */
function ws(over: Record<string, string> = {}): Record<string, string> {
  return smallWorkspace({
    'Dockerfile.base': BASE,
    [WEB]: web(),
    [CELERY]: celery(),
    'requirements.txt': 'django==5.0.6\ncelery==5.4.0\n',
    // Files of the build context that only some service Dockerfiles copy.
    'constraints.txt': 'numpy<2\n',
    'requirements-ml.txt': 'scikit-learn==1.5.0\n',
    'conda-pins.txt': 'gdal=3.9\n',
    ...over,
  });
}
/** The workspace with `lines` in the web service's Dockerfile, over `base`. */
const inWeb = (lines: string, base = BASE) => ws({ 'Dockerfile.base': base, [WEB]: web(lines) });
/** The workspace with `lines` in the celery service's Dockerfile, over `base`. */
const inCelery = (lines: string, base = BASE) => ws({ 'Dockerfile.base': base, [CELERY]: celery(lines) });

// ---------------------------------------------------------------------------------------------
// Expected findings, placed by the text they are on (so a fixture edit cannot leave them stale)

/** The finding on the `nth` occurrence of `needle` in `files[path]`. */
function on(files: Record<string, string>, path: string, needle: string, message: string, nth = 1): ExpectedError {
  const text = files[path]!;
  let at = -1;
  for (let k = 0; k < nth; k++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (#${nth}) is not in ${path}`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  const lines = needle.split('\n');
  const endLine = line + lines.length - 1;
  const endColumn = lines.length > 1 ? lines[lines.length - 1]!.length + 1 : column + needle.length;
  return { path, message, line, column, endLine, endColumn };
}

const outside = (manager: string, pkg: string): string =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; install it in Dockerfile.base.`;
const alreadyInBase = (manager: string, pkg: string): string =>
  `Unexpected ${manager} install of "${pkg}": the base image (Dockerfile.base) already installs it.`;
const readsFile = (manager: string, pkg: string, option: string): string =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it is installed with ${option}, which reads a file the base build may not have, so the install cannot be moved automatically: copy the file in Dockerfile.base and install it there.`;
const optionVariable = (manager: string, pkg: string, option: string): string =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; its options name a build variable (${option}), so move it to Dockerfile.base by hand.`;
const otherVersion = (manager: string, pkg: string, inBase: string): string =>
  `Unexpected ${manager} install of "${pkg}": the base image (Dockerfile.base) installs ${inBase}. A service that needs another version is not built on the shared base; align the version in Dockerfile.base and remove this install.`;
const changesInstalled = (manager: string, pkg: string, option: string): string =>
  `Unexpected ${manager} install of "${pkg}": the base image (Dockerfile.base) installs it, but this install uses ${option}, which changes the installed package; install it that way in Dockerfile.base by hand, or drop ${option}.`;
const byHand = (manager: string, pkg: string): string =>
  `Unexpected ${manager} install of "${pkg}" outside the base image; it names a build variable, so move it to Dockerfile.base by hand.`;

// ---------------------------------------------------------------------------------------------
// The cases

const TORCH_RUN = `RUN pip install --no-cache-dir \\
    --index-url https://pypi.internal/simple \\
    --extra-index-url https://download.pytorch.org/whl/cpu \\
    torch==2.1.0
`;
const torchFromPrivateIndex = inCelery(TORCH_RUN);
const webGunicornNoise = inWeb('RUN pip install -q --no-cache-dir --disable-pip-version-check gunicorn==22.0.0\n');
const webUvicornQuoted = inWeb('RUN pip install --no-cache-dir "uvicorn[standard]>=0.30"\n');
const privateMetricsMerged = inCelery(
  'RUN pip install --index-url=https://pypi.internal/simple --quiet internal-metrics==0.9.1\n',
  BASE_PRIVATE,
);
const publicGunicornSkipsPrivate = inWeb('RUN pip install --no-cache-dir gunicorn==22.0.0\n', BASE_PRIVATE);
const preUpgrade = inWeb('RUN pip install --no-cache-dir --pre --upgrade httpx\n');
const mixedRedundant = inCelery(
  'RUN pip install --index-url https://pypi.internal/simple django==5.0.6 internal-metrics==0.9.1\n',
);
/** The base with uv copied in from its image (uv is no part of python:3.12-slim). */
const BASE_WITH_UV = `${HEAD}COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /uvx /bin/\n\n${APT_RUN}\n${PIP_RUN}\n${TAIL}`;
const uvSystem = inWeb('RUN uv pip install --system --no-cache sentry-sdk==2.5.1\n', BASE_WITH_UV);

const backports = inWeb(
  'RUN apt-get update && apt-get install -y --no-install-recommends -t bookworm-backports golang-go && rm -rf /var/lib/apt/lists/*\n',
);
const withRecommends = inCelery('RUN apt-get -qq update && apt-get -qqy install curl\n');
const aptNoiseMerged = inCelery(
  'RUN apt-get update -qq && apt-get install -qq -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*\n',
);

const condaSameChannel = inCelery('RUN mamba install --yes --channel conda-forge gdal\n', CONDA_BASE);
const condaMoreChannels = inCelery('RUN conda install -y -c conda-forge -c bioconda samtools=1.20\n', CONDA_BASE);
const condaDefaultChannel = inCelery('RUN conda install -y scikit-learn\n', CONDA_BASE);
/** A base on a conda image that installs its packages with apt and pip only. */
const CONDA_IMAGE_PIP_BASE = `FROM continuumio/miniconda3:24.1.2-0\n\n${APT_RUN}\n${PIP_RUN}\n${TAIL}`;
const condaIntoPipBase = inCelery('RUN conda install -c conda-forge -y gdal\n', CONDA_IMAGE_PIP_BASE);

const apkEdge = inWeb(
  'RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/testing watchexec\n',
  APK_BASE,
);

const jsonFormBase = inWeb(
  'RUN pip install --no-cache-dir gunicorn==22.0.0\n',
  'FROM python:3.12-slim\nRUN ["pip", "install", "--no-cache-dir", "django==5.0.6"]\nWORKDIR /app\n',
);

const npmGlobal = inWeb('RUN npm install -g --registry https://npm.internal pm2@5.4.0\n');

/** The service Dockerfile with its install RUN gone. */
const bare = (service: string): string => (service === WEB ? web() : celery());

/** Where a finding is: the service file, the manager as the message names it, the package, and the word (the package as written). */
type Where = [service: string, manager: string, pkg: string, word?: string];

/** A case where the one package of the service's RUN moves (the RUN goes) and the base becomes `base`. */
function moved(
  name: string,
  files: Record<string, string>,
  [service, manager, pkg, word = pkg]: Where,
  base: string,
): InvalidCase {
  return {
    name,
    files,
    errors: [on(files, service, word, outside(manager, pkg))],
    output: { 'Dockerfile.base': base, [service]: bare(service) },
  };
}

/** A case with no automatic move: its findings in the service file, message by word, in order. */
function notMoved(name: string, files: Record<string, string>, service: string, findings: Record<string, string>): InvalidCase {
  return { name, files, errors: Object.entries(findings).map(([word, message]) => on(files, service, word, message)) };
}

/** The cases with no automatic move: an option reads a file of the service build, or is a build variable. */
const requirementsAndPackage = inCelery(
  'COPY requirements-ml.txt .\nRUN pip install --no-cache-dir -r requirements-ml.txt gunicorn\n',
);
/** A service pinning django at another version than the base, next to a package the base lacks. */
const otherDjango = inWeb('RUN pip install --no-cache-dir django==4.2.11 gunicorn==22.0.0\n');
/** Another version stays in the service; the package the base lacks moves (so this case has a fix). */
const OTHER_VERSION_STAYS: InvalidCase = {
  name: 'pip django at another version and gunicorn: gunicorn moves to the base list, django stays in the service',
  files: otherDjango,
  errors: [
    on(otherDjango, WEB, 'django==4.2.11', otherVersion('pip', 'django==4.2.11', 'django==5.0.6')),
    on(otherDjango, WEB, 'gunicorn==22.0.0', outside('pip', 'gunicorn==22.0.0')),
  ],
  output: {
    'Dockerfile.base': `${HEAD}\n${APT_RUN}\n${pipRunWith('gunicorn==22.0.0')}\n${TAIL}`,
    [WEB]: web('RUN pip install --no-cache-dir django==4.2.11\n'),
  },
};
const NO_MOVE: InvalidCase[] = [
  notMoved(
    'pip install --upgrade django where the base installs django==5.0.6: the upgrade changes it, so it is not redundant, no fix',
    inWeb('RUN pip install --no-cache-dir --upgrade django\n'),
    WEB,
    { django: changesInstalled('pip', 'django', '--upgrade') },
  ),
  notMoved(
    'apt-get -t bookworm-backports libpq5 where the base installs libpq5 from stable: the backports version is not the same, no fix',
    inCelery('RUN apt-get update && apt-get install -y -t bookworm-backports libpq5 && rm -rf /var/lib/apt/lists/*\n'),
    CELERY,
    { libpq5: changesInstalled('apt-get', 'libpq5', '-t bookworm-backports') },
  ),
  notMoved(
    'pip django==4.2.11 where the base pins django==5.0.6: another version, reported without a fix (removing it would change what the service runs)',
    inWeb('RUN pip install --no-cache-dir django==4.2.11\n'),
    WEB,
    { 'django==4.2.11': otherVersion('pip', 'django==4.2.11', 'django==5.0.6') },
  ),
  notMoved(
    'apt-get libpq5 pinned where the base installs libpq5 unpinned: another version, no fix',
    inCelery(
      'RUN apt-get update && apt-get install -y --no-install-recommends libpq5=15.6-0+deb12u1 && rm -rf /var/lib/apt/lists/*\n',
    ),
    CELERY,
    { 'libpq5=15.6-0+deb12u1': otherVersion('apt-get', 'libpq5=15.6-0+deb12u1', 'libpq5') },
  ),
  notMoved(
    'pip -c constraints.txt: the constraints file is the service build context’s, no automatic move (not even of the package the base has)',
    inCelery('COPY constraints.txt .\nRUN pip install --no-cache-dir -c constraints.txt django torch==2.1.0\n'),
    CELERY,
    { django: alreadyInBase('pip', 'django'), 'torch==2.1.0': readsFile('pip', 'torch==2.1.0', '-c constraints.txt') },
  ),
  {
    name: 'pip -r FILE with a package: the requirements file may carry options (--index-url), so the package is not moved either',
    files: requirementsAndPackage,
    errors: [
      on(
        requirementsAndPackage,
        CELERY,
        'requirements-ml.txt',
        'Unexpected pip install -r requirements-ml.txt outside the base image; requirements-ml.txt is not available to the base build, so the install cannot be moved automatically: copy it in Dockerfile.base and install it there.',
        2,
      ),
      on(requirementsAndPackage, CELERY, 'gunicorn', readsFile('pip', 'gunicorn', '-r requirements-ml.txt')),
    ],
  },
  notMoved(
    'pip --find-links=/wheels (a directory the service copied): no automatic move',
    inCelery('COPY wheels/ /wheels/\nRUN pip install --no-index --find-links=/wheels internal-ml==3.0.0\n'),
    CELERY,
    { 'internal-ml==3.0.0': readsFile('pip', 'internal-ml==3.0.0', '--find-links=/wheels') },
  ),
  notMoved(
    'pip --index-url "$PIP_INDEX": the index is a build variable, no automatic move',
    inCelery(
      'ARG PIP_INDEX=https://pypi.internal/simple\nRUN pip install --no-cache-dir --index-url "$PIP_INDEX" torch==2.1.0\n',
    ),
    CELERY,
    { 'torch==2.1.0': optionVariable('pip', 'torch==2.1.0', '--index-url $PIP_INDEX') },
  ),
  notMoved(
    'pip ${PIP_OPTS} gunicorn: a variable named for options may hold --index-url, so gunicorn is not moved',
    inWeb('ARG PIP_OPTS\nRUN pip install ${PIP_OPTS} gunicorn\n'),
    WEB,
    { '${PIP_OPTS}': byHand('pip', '${PIP_OPTS}'), gunicorn: optionVariable('pip', 'gunicorn', '${PIP_OPTS}') },
  ),
  notMoved(
    'apt-get -t "$BACKPORTS": the release is a build variable, no automatic move',
    inWeb('ARG BACKPORTS=bookworm-backports\nRUN apt-get update && apt-get install -y -t "$BACKPORTS" golang-go\n'),
    WEB,
    { 'golang-go': optionVariable('apt-get', 'golang-go', '-t $BACKPORTS') },
  ),
  notMoved(
    'conda --file FILE: a file of the service build, no automatic move',
    inCelery('COPY conda-pins.txt .\nRUN conda install -y --file conda-pins.txt gdal\n', CONDA_BASE),
    CELERY,
    { gdal: readsFile('conda', 'gdal', '--file conda-pins.txt') },
  ),
];

RuleTester.run(installOutsideBase, {
  valid: [
    {
      name: 'npm is not one of the managers the rule checks: npm install -g with its registry is not reported (no fix to drop options)',
      files: npmGlobal,
    },
  ],
  invalid: [
    // The fix moves the package, with the options that change what is installed.
    moved(
      'pip with a private index and an extra index: a new RUN keeps both (the base pip install has neither)',
      torchFromPrivateIndex,
      [CELERY, 'pip', 'torch==2.1.0'],
      `${BASE}RUN pip install --no-cache-dir --index-url https://pypi.internal/simple --extra-index-url https://download.pytorch.org/whl/cpu torch==2.1.0\n`,
    ),
    moved(
      'pip options that are only noise (-q, --disable-pip-version-check) do not stop a merge into the base pip install',
      webGunicornNoise,
      [WEB, 'pip', 'gunicorn==22.0.0'],
      `${HEAD}\n${APT_RUN}\n${pipRunWith('gunicorn==22.0.0')}\n${TAIL}`,
    ),
    moved(
      'a requirement with extras and a specifier is written quoted as the service wrote it, so the shell does not read > as a redirection',
      webUvicornQuoted,
      [WEB, 'pip', 'uvicorn[standard]>=0.30', '"uvicorn[standard]>=0.30"'],
      `${HEAD}\n${APT_RUN}\n${pipRunWith('"uvicorn[standard]>=0.30"')}\n${TAIL}`,
    ),
    moved(
      'the same private index, spelled --index-url=URL: merged into the base install from that index, not the public one',
      privateMetricsMerged,
      [CELERY, 'pip', 'internal-metrics==0.9.1'],
      `${HEAD}\n${APT_RUN}\n${PIP_RUN}RUN pip install --no-cache-dir --index-url https://pypi.internal/simple internal-auth==1.2.0 internal-metrics==0.9.1\n\n${TAIL}`,
    ),
    moved(
      'a public package is merged into the base install from PyPI, not into the later one from the private index',
      publicGunicornSkipsPrivate,
      [WEB, 'pip', 'gunicorn==22.0.0'],
      `${HEAD}\n${APT_RUN}\n${pipRunWith('gunicorn==22.0.0')}${PRIVATE_PIP_RUN}\n${TAIL}`,
    ),
    moved(
      'pip --pre --upgrade: options differ from every base pip install, so a new RUN after the last one keeps them',
      preUpgrade,
      [WEB, 'pip', 'httpx'],
      `${BASE}RUN pip install --no-cache-dir --pre --upgrade httpx\n`,
    ),
    {
      name: 'a package the base already installs goes; the other moves with the private index',
      files: mixedRedundant,
      errors: [
        on(mixedRedundant, CELERY, 'django==5.0.6', alreadyInBase('pip', 'django==5.0.6')),
        on(mixedRedundant, CELERY, 'internal-metrics==0.9.1', outside('pip', 'internal-metrics==0.9.1')),
      ],
      output: {
        'Dockerfile.base': `${BASE}RUN pip install --no-cache-dir --index-url https://pypi.internal/simple internal-metrics==0.9.1\n`,
        [CELERY]: celery(),
      },
    },
    moved(
      'uv pip --system keeps --system (its --no-cache is noise, written as the idiom --no-cache-dir)',
      uvSystem,
      [WEB, 'pip', 'sentry-sdk==2.5.1'],
      `${BASE_WITH_UV}RUN uv pip install --no-cache-dir --system sentry-sdk==2.5.1\n`,
    ),
    moved(
      'apt-get -t bookworm-backports: a new RUN after the base apt install keeps the target release',
      backports,
      [WEB, 'apt-get', 'golang-go'],
      `${HEAD}\n${APT_RUN}${newAptRun(' --no-install-recommends -t bookworm-backports', 'golang-go')}\n${PIP_RUN}\n${TAIL}`,
    ),
    moved(
      'apt-get without --no-install-recommends: merged into the base list, which installs without recommends (the lean base)',
      withRecommends,
      [CELERY, 'apt-get', 'curl'],
      `${HEAD}\nRUN apt-get update && apt-get install -y --no-install-recommends \\
    build-essential \\
    curl \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
\n${PIP_RUN}\n${TAIL}`,
    ),
    moved(
      'apt-get -qq and -y are noise: merged into the base list, sorted (apt-get update -qq goes with it)',
      aptNoiseMerged,
      [CELERY, 'apt-get', 'gettext'],
      `${HEAD}\nRUN apt-get update && apt-get install -y --no-install-recommends \\
    build-essential \\
    gettext \\
    libpq5 \\
    && rm -rf /var/lib/apt/lists/*
\n${PIP_RUN}\n${TAIL}`,
    ),
    moved(
      'mamba install --yes --channel conda-forge: the same channel as the base conda install, merged before numpy',
      condaSameChannel,
      [CELERY, 'conda', 'gdal'],
      `FROM continuumio/miniconda3:24.1.2-0
RUN conda install -y -c conda-forge \\
    gdal \\
    numpy=1.26 \\
    pandas=2.2 \\
    && conda clean -afy
${CONDA_TAIL}`,
    ),
    moved(
      'conda -c conda-forge -c bioconda: other channels than the base install, a new RUN after it keeps both in order',
      condaMoreChannels,
      [CELERY, 'conda', 'samtools=1.20'],
      `FROM continuumio/miniconda3:24.1.2-0\n${CONDA_RUN}RUN conda install -y -c conda-forge -c bioconda samtools=1.20\n${CONDA_TAIL}`,
    ),
    moved(
      'conda without a channel (the defaults): not merged into the base install from conda-forge',
      condaDefaultChannel,
      [CELERY, 'conda', 'scikit-learn'],
      `FROM continuumio/miniconda3:24.1.2-0\n${CONDA_RUN}RUN conda install -y scikit-learn\n${CONDA_TAIL}`,
    ),
    moved(
      'conda -c conda-forge -y into a conda image base with no conda install: the new RUN keeps the channel (after the last install before COPY)',
      condaIntoPipBase,
      [CELERY, 'conda', 'gdal'],
      `FROM continuumio/miniconda3:24.1.2-0\n\n${APT_RUN}\n${PIP_RUN}RUN conda install -y -c conda-forge gdal\n\n${TAIL}`,
    ),
    moved(
      'apk add --repository URL: a new RUN after the base apk add keeps the repository',
      apkEdge,
      [WEB, 'apk', 'watchexec'],
      APK_BASE.replace(
        APK_RUN,
        `${APK_RUN}RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/testing watchexec\n`,
      ),
    ),
    moved(
      'the base pip install is in JSON form: not merged into (the package would join the argument "django==5.0.6"), a new RUN',
      jsonFormBase,
      [WEB, 'pip', 'gunicorn==22.0.0'],
      'FROM python:3.12-slim\nRUN ["pip", "install", "--no-cache-dir", "django==5.0.6"]\nRUN pip install --no-cache-dir gunicorn==22.0.0\nWORKDIR /app\n',
    ),
    OTHER_VERSION_STAYS,
    ...NO_MOVE,
  ],
});

// ---------------------------------------------------------------------------------------------
// After the fix

function check(files: Record<string, string>): { findings: Finding[]; fs: MemoryFileSystem } {
  const fs = new MemoryFileSystem(files);
  const result = new Analyzer(fs, { rules: [installOutsideBase] }).analyze();
  assert.deepEqual(result.internalErrors, []);
  return { findings: result.findings.filter((f) => f.ruleId === installOutsideBase.id), fs };
}

/** The workspace after applying every fix of one check. */
function fixed(files: Record<string, string>): Record<string, string> {
  const { findings, fs } = check(files);
  const { output } = fixOutput(
    findings.filter((f) => f.fixable),
    fs,
  );
  const after = { ...files };
  for (const [p, text] of Object.entries(output)) {
    assert.notEqual(text, null);
    after[p] = text!;
  }
  return after;
}

function installsOfText(text: string): InstallCommand[] {
  return parseShell(text, 0, text.length, { script: true })
    .map((c) => detectInstall(c))
    .filter((i): i is InstallCommand => i !== undefined);
}

/** The install of `pkg` in a Dockerfile's text (lines joined first). */
function installOf(text: string, pkg: string): InstallCommand {
  const joined = text.replace(/\\\n/g, ' ').replace(/^RUN /gm, '');
  const found = installsOfText(joined).filter((i) => i.packages.some((p) => p.name === pkg));
  assert.equal(found.length, 1, `one install of ${pkg} in:\n${text}`);
  return found[0]!;
}

describe('install-outside-base: Move to base image keeps the install options (after the fix)', () => {
  const moves: [string, Record<string, string>, string, string][] = [
    ['pip, private and extra index', torchFromPrivateIndex, CELERY, 'torch==2.1.0'],
    ['pip, --pre --upgrade', preUpgrade, WEB, 'httpx'],
    ['pip, same private index (merged)', privateMetricsMerged, CELERY, 'internal-metrics==0.9.1'],
    ['uv pip --system', uvSystem, WEB, 'sentry-sdk==2.5.1'],
    ['apt-get -t bookworm-backports', backports, WEB, 'golang-go'],
    ['apt-get with recommends', withRecommends, CELERY, 'curl'],
    ['conda, same channel (merged, mamba to conda)', condaSameChannel, CELERY, 'gdal'],
    ['conda, two channels in order', condaMoreChannels, CELERY, 'samtools=1.20'],
    ['conda, default channel', condaDefaultChannel, CELERY, 'scikit-learn'],
    ['apk --repository', apkEdge, WEB, 'watchexec'],
  ];
  for (const [name, files, service, pkg] of moves) {
    it(`${name}: the base installs ${pkg} the way the service did; re-checking finds nothing; a second fix changes nothing`, () => {
      const before = installOf(files[service]!, pkg);
      const after = fixed(files);
      const inBase = installOf(after['Dockerfile.base']!, pkg);
      // Same options in canonical spelling (a merge keeps the base's spelling: --channel → -c).
      assert.equal(optionsSignature(inBase), optionsSignature(before), 'the base install acts as the service install did');
      const again = check(after).findings;
      assert.deepEqual(
        again.map((f) => f.message),
        [],
      );
      assert.deepEqual(fixed(after), after, 'the fix is idempotent');
    });
  }

  it('two services with the same private-index install: the second move merges into the RUN the first one wrote', () => {
    const files = ws({
      [CELERY]: celery(TORCH_RUN),
      [WEB]: web(
        'RUN pip install --quiet --index-url https://pypi.internal/simple --extra-index-url https://download.pytorch.org/whl/cpu torchvision==0.16.0\n',
      ),
    });
    // One fix at a time, as in the editor: first the celery service's.
    const first = check(files);
    const celeryFix = first.findings.find((f) => f.path === CELERY)!;
    const step1 = { ...files, ...(fixOutput([celeryFix], first.fs).output as Record<string, string>) };
    const step2 = fixed(step1);
    assert.equal(
      step2['Dockerfile.base'],
      `${BASE}RUN pip install --no-cache-dir --index-url https://pypi.internal/simple --extra-index-url https://download.pytorch.org/whl/cpu torch==2.1.0 torchvision==0.16.0\n`,
    );
    assert.equal(step2[CELERY], celery());
    assert.equal(step2[WEB], web());
    assert.deepEqual(check(step2).findings, []);
  });

  it('the cases with no automatic move offer no fix at all, for any of their findings', () => {
    for (const { files } of NO_MOVE) {
      const { findings } = check(files);
      assert.ok(findings.length > 0);
      assert.deepEqual(
        findings.filter((f) => f.fixable).map((f) => f.message),
        [],
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The option model

function install(text: string): InstallCommand {
  const all = installsOfText(text);
  assert.equal(all.length, 1, `one install in ${text}`);
  return all[0]!;
}

const roles = (text: string): string[] =>
  optionParts(install(text)).map((p) => `${p.written}${p.value === undefined ? '' : ` ${p.value}`}: ${p.role}`);

describe('install options', () => {
  it('pip: indexes, --pre, --upgrade, --user, --target are kept; -q, --no-cache-dir, --progress-bar are noise; -r, -c, -e and local --find-links read files', () => {
    assert.deepEqual(
      roles(
        'pip install -q --no-cache-dir --progress-bar off -i https://pypi.internal/simple --extra-index-url=https://download.pytorch.org/whl/cpu --pre -U --user --target /opt/py torch',
      ),
      [
        '-q: noise',
        '--no-cache-dir: noise',
        '--progress-bar off: noise',
        '-i https://pypi.internal/simple: keep',
        '--extra-index-url https://download.pytorch.org/whl/cpu: keep',
        '--pre: keep',
        '-U: keep',
        '--user: keep',
        '--target /opt/py: keep',
      ],
    );
    assert.deepEqual(roles('pip install -r req.txt --constraint=c.txt -e ./lib -f ./wheels -f https://example.org/wheels x'), [
      '-r req.txt: file',
      '--constraint c.txt: file',
      '-e ./lib: file',
      '-f ./wheels: file',
      '-f https://example.org/wheels: keep',
    ]);
  });

  it('conda: channels kept in order, -y/-q noise, --file reads a file; bundles and joined values are read getopt style', () => {
    assert.deepEqual(roles('conda install -yq -c conda-forge --override-channels --file pins.txt gdal'), [
      '-y: noise',
      '-q: noise',
      '-c conda-forge: keep',
      '--override-channels: keep',
      '--file pins.txt: file',
    ]);
    assert.deepEqual(
      install('conda install -yc conda-forge gdal').packages.map((p) => p.name),
      ['gdal'],
    );
    assert.deepEqual(roles('conda install -cconda-forge gdal'), ['-c conda-forge: keep']);
    assert.deepEqual(roles('conda install -c ./local-channel gdal'), ['-c ./local-channel: file']);
  });

  it('apt: -y, -q, -qq, --no-install-suggests and --no-install-recommends are noise; -t, -o are kept; -c reads a file', () => {
    assert.deepEqual(
      roles(
        'apt-get -qqy -o Dpkg::Options::=--force-confold install --no-install-recommends --no-install-suggests -t bookworm-backports -c ./apt.conf x',
      ),
      [
        '-q: noise',
        '-q: noise',
        '-y: noise',
        '-o Dpkg::Options::=--force-confold: keep',
        '--no-install-recommends: noise',
        '--no-install-suggests: noise',
        '-t bookworm-backports: keep',
        '-c ./apt.conf: file',
      ],
    );
  });

  it('apk and dnf: repositories kept, --virtual and --no-cache noise; dnf --enablerepo and --setopt kept', () => {
    assert.deepEqual(
      roles('apk add --no-cache --virtual .build-deps -X https://dl-cdn.alpinelinux.org/alpine/edge/testing -X /repo x'),
      [
        '--no-cache: noise',
        '--virtual .build-deps: noise',
        '-X https://dl-cdn.alpinelinux.org/alpine/edge/testing: keep',
        '-X /repo: file',
      ],
    );
    assert.deepEqual(roles('dnf install -y --enablerepo=crb --setopt=install_weak_deps=False x'), [
      '-y: noise',
      '--enablerepo crb: keep',
      '--setopt install_weak_deps=False: keep',
    ]);
  });

  it('the same options in other spellings, order or noise install the same way; channel order and the installer matter', () => {
    const same = (a: string, b: string): boolean => sameOptions(install(a), install(b));
    assert.ok(
      same(
        'pip install -q --index-url https://p/simple x',
        'pip3 install --no-cache-dir -i=https://p/simple y'.replace('-i=', '--index-url='),
      ),
    );
    assert.ok(
      same(
        'pip install --extra-index-url https://a --extra-index-url https://b x',
        'python -m pip install --extra-index-url https://b --extra-index-url https://a y',
      ),
    );
    assert.ok(same('apt-get install -qq -y --no-install-recommends x', 'apt-get -y install --no-install-recommends y'));
    assert.ok(same('conda install --yes --channel conda-forge x', 'mamba install -y -c conda-forge y'));
    assert.ok(!same('conda install -c conda-forge -c bioconda x', 'conda install -c bioconda -c conda-forge y'));
    assert.ok(!same('conda install -c conda-forge x', 'micromamba install -c conda-forge y'));
    assert.ok(!same('pip install x', 'uv pip install y'));
    // The base installs without recommends either way (see installOptions.ts).
    assert.ok(same('apt-get install -y x', 'apt-get install -y --no-install-recommends y'));
  });

  it('a move writes the kept options as written: bundles split, noise dropped, --name=value kept joined, values quoted when needed', () => {
    assert.equal(keptOptionsText(install('pip install -Uq --index-url=https://p/simple x')), ' -U --index-url=https://p/simple');
    assert.equal(
      keptOptionsText(install("pip install --proxy 'http://u:p w@proxy:3128' x")),
      " --proxy 'http://u:p w@proxy:3128'",
    );
    assert.equal(keptOptionsText(install('conda install -yc conda-forge x')), ' -c conda-forge');
  });

  it('what stops a move: the first option reading a file, a kept option with a variable, a bare variable named for options', () => {
    assert.deepEqual(moveBlocker(install('pip install --no-cache-dir -c constraints.txt x')), {
      kind: 'file',
      option: install('pip install --no-cache-dir -c constraints.txt x').options[1],
      text: '-c constraints.txt',
    });
    assert.deepEqual(moveBlocker(install('pip install --index-url=$PIP_INDEX x')), {
      kind: 'variable',
      text: '--index-url=$PIP_INDEX',
    });
    assert.deepEqual(moveBlocker(install('conda install $CONDA_CHANNELS x')), { kind: 'variable', text: '$CONDA_CHANNELS' });
    // A noise option may hold a variable (the new RUN drops it); a package variable is a package.
    assert.equal(moveBlocker(install('pip install --progress-bar $BAR x')), undefined);
    assert.equal(moveBlocker(install('apt-get install -y $EXTRA_PACKAGES x')), undefined);
  });

  // Before, the first file option was named, though the base installs that file too.
  it('what stops a move skips the file options the base build has, and names the next one', () => {
    const twoFiles = install('pip install -r requirements.txt --requirement=requirements-ml.txt numpy');
    const inBase = (p: { value?: string }) => p.value === 'requirements.txt';
    assert.equal(moveBlocker(twoFiles)?.text, '-r requirements.txt');
    assert.equal(moveBlocker(twoFiles, inBase)?.text, '--requirement=requirements-ml.txt');
    assert.equal(moveBlocker(install('pip install -r requirements.txt numpy'), inBase), undefined);
  });

  // Before, globs were left unquoted: `celery[redis]` in the base matched a file named celeryr (or e, d, i, s).
  it('shellQuote leaves ordinary words as they are, quotes what the shell would read, globs included', () => {
    assert.equal(shellQuote('gunicorn==22.0.0'), 'gunicorn==22.0.0');
    assert.equal(shellQuote('libpq5=15.*'), "'libpq5=15.*'");
    assert.equal(shellQuote('celery[redis]==5.4.0'), "'celery[redis]==5.4.0'");
    assert.equal(shellQuote('django>=5'), "'django>=5'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('~user'), "'~user'");
  });

  it('packageWord keeps the double quotes the service used where they mean the same, else quotes as shellQuote', () => {
    assert.equal(packageWord('celery[redis]==5.3.6', '"'), '"celery[redis]==5.3.6"');
    assert.equal(packageWord('celery[redis]==5.3.6', 'c'), "'celery[redis]==5.3.6'");
    assert.equal(packageWord('flower', '"'), 'flower');
    assert.equal(packageWord('odd"name[x]', '"'), `'odd"name[x]'`);
  });
});
