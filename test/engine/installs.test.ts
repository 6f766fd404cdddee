import assert from 'node:assert/strict';
import { parseShell } from '../../server/src/engine/parse/shell';
import { detectInstall, packageKey, isHousekeeping, type InstallCommand } from '../../server/src/engine/parse/installs';

function installsIn(text: string): InstallCommand[] {
  return parseShell(text, 0, text.length)
    .map((c) => detectInstall(c))
    .filter((i): i is InstallCommand => i !== undefined);
}

function one(text: string): { manager: string; program: string; packages: string[]; requirements: string[]; manifest: boolean } {
  const all = installsIn(text);
  assert.equal(all.length, 1, `expected one install in ${text}`);
  const i = all[0]!;
  return {
    manager: i.manager,
    program: i.program,
    packages: i.packages.map((p) => p.name),
    requirements: i.requirementFiles.map((r) => r.value),
    manifest: i.installsManifest,
  };
}

describe('detectInstall', () => {
  it('apt-get and apt, with options before and after the verb', () => {
    assert.deepEqual(one('apt-get -o Acquire::Retries=3 install -y --no-install-recommends -t bookworm-backports curl libpq5=15.*'), {
      manager: 'apt',
      program: 'apt-get',
      packages: ['curl', 'libpq5=15.*'],
      requirements: [],
      manifest: false,
    });
    assert.deepEqual(one('apt install -y git').packages, ['git']);
  });

  it('is not fooled by apt-get update, pip --version or a package manager as an argument', () => {
    assert.deepEqual(installsIn('apt-get update && pip --version && echo apt-get install curl && pip download x'), []);
  });

  it('apk add with --virtual NAME and --repository URL', () => {
    assert.deepEqual(one('apk add --no-cache --virtual .build-deps --repository https://dl-cdn.alpinelinux.org/alpine/edge/main gcc musl-dev'), {
      manager: 'apk',
      program: 'apk',
      packages: ['gcc', 'musl-dev'],
      requirements: [],
      manifest: false,
    });
  });

  it('yum, dnf and microdnf with --setopt and --enablerepo values', () => {
    assert.deepEqual(one('dnf install -y --setopt install_weak_deps=False --enablerepo crb git').packages, ['git']);
    assert.equal(one('microdnf install -y tar').program, 'microdnf');
    assert.equal(one('yum -y install httpd').manager, 'yum');
  });

  it('pip, pip3, python -m pip, python3.12 -m pip, uv pip and sudo/env wrappers', () => {
    assert.deepEqual(one('pip install --no-cache-dir -i https://pypi.example/simple gunicorn==22.0.0').packages, ['gunicorn==22.0.0']);
    assert.equal(one('pip3 install whitenoise').program, 'pip3');
    assert.equal(one('python -m pip install whitenoise').program, 'python -m pip');
    assert.equal(one('python3.12 -m pip install whitenoise').program, 'python3.12 -m pip');
    assert.deepEqual(one('uv pip install --system --python 3.12 sentry-sdk'), {
      manager: 'pip',
      program: 'uv pip',
      packages: ['sentry-sdk'],
      requirements: [],
      manifest: false,
    });
    assert.deepEqual(one('sudo -E env PIP_NO_CACHE_DIR=1 /usr/local/bin/pip install celery').packages, ['celery']);
  });

  it('pip requirement files in every spelling, local paths not packages', () => {
    assert.deepEqual(one('pip install -r requirements.txt --requirement=requirements-web.txt -rrequirements-ml.txt -c constraints.txt . ./wheels/x.whl -e ./lib'), {
      manager: 'pip',
      program: 'pip',
      packages: [],
      requirements: ['requirements.txt', 'requirements-web.txt', 'requirements-ml.txt'],
      manifest: false,
    });
  });

  it('poetry install (a manifest) and poetry add (packages); pipenv; conda with -c and -n values', () => {
    assert.deepEqual(one('poetry install --no-root --with docs --without dev'), { manager: 'poetry', program: 'poetry', packages: [], requirements: [], manifest: true });
    assert.deepEqual(one('poetry add requests').packages, ['requests']);
    // Before, the group's name was a package: `dev` moved into the base as `poetry add --group dev`.
    assert.deepEqual(one('poetry add --group dev black').packages, ['black']);
    assert.deepEqual(one('poetry add -G test --source internal --python ^3.12 pytest-django').packages, ['pytest-django']);
    assert.equal(one('pipenv install --deploy --system').manifest, true);
    assert.deepEqual(one('conda install -y -c conda-forge -n app numpy scipy=1.13').packages, ['numpy', 'scipy=1.13']);
    assert.equal(one('micromamba install -y numpy').manager, 'conda');
  });

  it('skips redirections', () => {
    assert.deepEqual(one('pip install gunicorn > /tmp/log 2>&1').packages, ['gunicorn']);
  });

  it('packageKey drops pins, extras and case per manager', () => {
    assert.equal(packageKey('apt', 'LibPQ5=15.4-1'), 'libpq5');
    assert.equal(packageKey('apk', 'curl~=8.5'), 'curl');
    assert.equal(packageKey('yum', 'httpd-2.4.57'), 'httpd');
    assert.equal(packageKey('pip', 'Django_Extensions[all]>=3.2'), 'django-extensions');
  });

  it('isHousekeeping knows each manager’s update and cache cleanup', () => {
    const cmds = parseShell('apt-get update && rm -rf /var/lib/apt/lists/* && apk update && dnf clean all && echo hi', 0, 92);
    assert.deepEqual(
      cmds.map((c) => [isHousekeeping(c, 'apt'), isHousekeeping(c, 'apk'), isHousekeeping(c, 'yum')]),
      [
        [true, false, false],
        [true, false, false],
        [false, true, false],
        [false, false, true],
        [false, false, false],
      ],
    );
  });
});
