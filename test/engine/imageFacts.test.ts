/**
 * The working directory at each instruction (imageFacts.ts), which the image rules resolve container
 * paths against: followed through earlier stages of the file and through workspace images, once per
 * file, and the same whichever file is asked first when workspace images form a cycle.
 */
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analyzer';
import { MemoryFileSystem } from '../../server/src/engine/fs';
import type { Project } from '../../server/src/engine/project';
import type { Stage } from '../../server/src/engine/parse/dockerfile';
import { beginFileCheck } from '../../server/src/engine/rule';
import { runtimeStages } from '../../server/src/engine/rules/dockerfile/stageRefs';
import {
  readRequirements,
  scriptRefs,
  stageCopies,
  stageEndWorkdir,
  workdirAt,
} from '../../server/src/engine/rules/image/imageFacts';

function projectOf(files: Record<string, string>): Project {
  return new Analyzer(new MemoryFileSystem(files), { rules: [] }).analyze().project;
}

/** The working directory at the first instruction of `path` with `keyword`, in its last stage that has one. */
function workdirOf(project: Project, path: string, keyword: string): string | undefined {
  const model = project.dockerfile(path);
  assert.ok(model, `${path} is a Dockerfile of the project`);
  for (const stage of [...model.stages].reverse()) {
    const instruction = stage.instructions.find((i) => i.getKeyword() === keyword);
    if (instruction) {
      return workdirAt(project, model, stage, instruction);
    }
  }
  assert.fail(`no ${keyword} in ${path}`);
}

const BASE = `# Shared base image
FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
`;

/** A compose file that builds the base (tagged) and the services, each from its Dockerfile. */
function compose(services: Record<string, { dockerfile: string; image?: string }>): string {
  let out = 'services:\n';
  for (const [name, s] of Object.entries(services)) {
    out += `  ${name}:\n    build:\n      context: .\n      dockerfile: ${s.dockerfile}\n`;
    if (s.image) {
      out += `    image: ${s.image}\n`;
    }
  }
  return out;
}

describe('imageFacts: the working directory at an instruction', () => {
  it('follows a chain of 30 stages back to the WORKDIR of the first', () => {
    // A Dockerfile built up in small stages, each FROM the one before (generated build files do this).
    let text = '# Worker image, one stage per step\nFROM python:3.12-slim AS step0\nWORKDIR /app\n';
    for (let i = 1; i < 30; i++) {
      text += `FROM step${i - 1} AS step${i}\nRUN echo "step ${i}" > /tmp/step-${i}\n`;
    }
    text += 'FROM step29 AS final\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n';
    const project = projectOf({
      'docker/Dockerfile.worker': text,
      'requirements.txt': 'celery==5.4.0\n',
      'docker-compose.yml': compose({ worker: { dockerfile: 'docker/Dockerfile.worker' } }),
    });
    assert.equal(workdirOf(project, 'docker/Dockerfile.worker', 'COPY'), '/app');
    const model = project.dockerfile('docker/Dockerfile.worker')!;
    assert.equal(stageEndWorkdir(project, model, model.stages[15]!), '/app');
  });

  it('follows FROM into the workspace image the base Dockerfile builds, and a WORKDIR after it moves on from there', () => {
    const project = projectOf({
      'Dockerfile.base': BASE,
      'requirements.txt': 'django==5.0.6\n',
      'docker/Dockerfile.web': '# Web\nFROM acme-base:latest\nCOPY app/ app/\nWORKDIR app\nCOPY scripts/ scripts/\n',
      'docker-compose.yml': compose({
        base: { dockerfile: 'Dockerfile.base', image: 'acme-base:latest' },
        web: { dockerfile: 'docker/Dockerfile.web' },
      }),
    });
    const web = project.dockerfile('docker/Dockerfile.web')!;
    const [copyApp, , copyScripts] = web.stages[0]!.instructions.slice(1);
    assert.equal(workdirAt(project, web, web.stages[0]!, copyApp!), '/srv');
    assert.equal(workdirAt(project, web, web.stages[0]!, copyScripts!), '/srv/app');
    assert.equal(stageEndWorkdir(project, web, web.stages[0]!), '/srv/app');
  });

  it('at each instruction is the one before it: a WORKDIR moves it for the instructions after; an instruction of another stage gets the stage end', () => {
    const project = projectOf({
      'Dockerfile.worker': [
        '# Celery worker',
        'FROM python:3.12-slim AS deps',
        'WORKDIR /opt',
        'RUN pip install --no-cache-dir celery==5.4.0',
        'WORKDIR venv',
        'WORKDIR /srv',
        '',
        '# Runtime',
        'FROM deps AS final',
        'COPY app/ app/',
        'WORKDIR app',
        'COPY scripts/ scripts/',
        'CMD ["celery", "-A", "app", "worker"]',
        '',
      ].join('\n'),
      'docker-compose.yml': compose({ worker: { dockerfile: 'Dockerfile.worker' } }),
    });
    const model = project.dockerfile('Dockerfile.worker')!;
    const [deps, final] = model.stages as [Stage, Stage];
    const at = (stage: Stage) => stage.instructions.map((i) => `${i.getKeyword()} ${workdirAt(project, model, stage, i) ?? '?'}`);
    assert.deepEqual(at(deps), ['FROM /', 'WORKDIR /', 'RUN /opt', 'WORKDIR /opt', 'WORKDIR /opt/venv']);
    assert.deepEqual(at(final), ['FROM /srv', 'COPY /srv', 'WORKDIR /srv', 'COPY /srv/app', 'CMD /srv/app']);
    // Asked about an instruction the stage does not hold (one on the same line of an older parse, or
    // of another stage): the stage's end, as for any instruction after its last.
    const older = projectOf({ Dockerfile: model.text }).dockerfile('Dockerfile')!;
    assert.equal(workdirAt(project, model, final, older.stages[1]!.instructions[1]!), '/srv/app');
    assert.equal(workdirAt(project, model, final, deps.instructions[2]!), '/srv/app');
  });

  it('a working directory set with a variable is unknown from there on', () => {
    const project = projectOf({
      'Dockerfile.api':
        '# API\nFROM python:3.12-slim AS build\nARG APP_DIR=/app\nWORKDIR $APP_DIR\nFROM build AS final\nCOPY . .\n',
      'docker-compose.yml': compose({ api: { dockerfile: 'Dockerfile.api' } }),
    });
    assert.equal(workdirOf(project, 'Dockerfile.api', 'COPY'), undefined);
  });

  describe('two workspace images built FROM each other (a cycle no build can finish)', () => {
    const files = {
      'docker/Dockerfile.a': '# A\nFROM acme-b:latest\nWORKDIR /a\nCOPY a/ .\n',
      'docker/Dockerfile.b': '# B\nFROM acme-a:latest\nCOPY b/ .\n',
      'docker-compose.yml': compose({
        a: { dockerfile: 'docker/Dockerfile.a', image: 'acme-a:latest' },
        b: { dockerfile: 'docker/Dockerfile.b', image: 'acme-b:latest' },
      }),
    };

    it('B starts where A ends, whichever file is asked first', () => {
      const bFirst = projectOf(files);
      assert.equal(workdirOf(bFirst, 'docker/Dockerfile.b', 'COPY'), '/a');
      assert.equal(workdirOf(bFirst, 'docker/Dockerfile.a', 'COPY'), '/a');
      // Asking A first walks the cycle from A: what it met of B inside the cycle must not be kept.
      const aFirst = projectOf(files);
      assert.equal(workdirOf(aFirst, 'docker/Dockerfile.a', 'COPY'), '/a');
      assert.equal(workdirOf(aFirst, 'docker/Dockerfile.b', 'COPY'), '/a');
    });

    it('where A starts is unknown: the cycle closes there', () => {
      const project = projectOf(files);
      const a = project.dockerfile('docker/Dockerfile.a')!;
      assert.equal(workdirAt(project, a, a.stages[0]!, a.stages[0]!.instructions[1]!), undefined);
    });
  });
});

describe('imageFacts: where the scripts ENTRYPOINT and CMD run are in the container', () => {
  /** The container paths of the scripts the web image runs, with the ones found only outside PATH marked. */
  function scriptsOf(web: string, base = BASE): string[] {
    const project = projectOf({
      'Dockerfile.base': base,
      'requirements.txt': 'django==5.0.6\n',
      'docker/Dockerfile.web': web,
      'scripts/entrypoints/web-entrypoint.sh': '#!/bin/sh\nexec "$@"\n',
      'docker-compose.yml': compose({
        base: { dockerfile: 'Dockerfile.base', image: 'acme-base:latest' },
        web: { dockerfile: 'docker/Dockerfile.web' },
      }),
    });
    return scriptRefs(project, project.dockerfile('docker/Dockerfile.web')!).map(
      (r) => r.path + (r.notInPath ? ' (not in PATH)' : ''),
    );
  }

  it('a script after sh is a file of the working directory; after sh -c, a command PATH finds', () => {
    const copy = '# Web\nFROM acme-base:latest\nCOPY scripts/entrypoints/web-entrypoint.sh /usr/local/bin/\n';
    assert.deepEqual(scriptsOf(`${copy}CMD ["sh", "web-entrypoint.sh"]\n`), ['/srv/web-entrypoint.sh']);
    // Before, /srv/web-entrypoint.sh: the command sh -c runs was taken for a file of the working directory.
    assert.deepEqual(scriptsOf(`${copy}CMD ["sh", "-c", "web-entrypoint.sh"]\n`), ['/usr/local/bin/web-entrypoint.sh']);
    assert.deepEqual(scriptsOf(`${copy}CMD ["/bin/bash", "-ec", "web-entrypoint.sh"]\n`), ['/usr/local/bin/web-entrypoint.sh']);
  });

  it("follows the ENV PATH of the stage and of the base image's Dockerfile", () => {
    const web = '# Web\nFROM acme-base:latest\nCOPY scripts/entrypoints/ /opt/tools/bin/\nENTRYPOINT ["web-entrypoint.sh"]\n';
    // Before, /srv/web-entrypoint.sh, which no COPY provides.
    assert.deepEqual(scriptsOf(web, `${BASE}ENV PATH="/opt/tools/bin:$PATH"\n`), ['/opt/tools/bin/web-entrypoint.sh']);
    assert.deepEqual(scriptsOf(web.replace('ENTRYPOINT', 'ENV PATH=/opt/tools/bin:${PATH}\nENTRYPOINT')), [
      '/opt/tools/bin/web-entrypoint.sh',
    ]);
    // Not in PATH: a program of the image, not a script of the workspace.
    assert.deepEqual(scriptsOf(web), []);
  });

  it('copied to the working directory only: not in PATH, unless a part of PATH is unknown', () => {
    const web = '# Web\nFROM acme-base:latest\nCOPY scripts/entrypoints/web-entrypoint.sh ./\nENTRYPOINT ["web-entrypoint.sh"]\n';
    assert.deepEqual(scriptsOf(web), ['/srv/web-entrypoint.sh (not in PATH)']);
    assert.deepEqual(scriptsOf(web, `${BASE}ENV PATH=$VENV/bin:$PATH\n`), ['/srv/web-entrypoint.sh']);
    assert.deepEqual(scriptsOf(web, `${BASE}COPY bin/ /usr/local/bin/\n`), ['/srv/web-entrypoint.sh']);
  });
});

describe('imageFacts: a requirements file and the files it includes', () => {
  const project = projectOf({
    'Dockerfile.base': BASE,
    'requirements.txt':
      '# Web\n-r requirements/base.txt\n--constraint=constraints.txt\ngunicorn==22.0.0 \\\n  --hash=sha256:abc\n',
    'requirements/base.txt':
      '-r ../requirements.txt\n-c https://example.com/c.txt\n-r common.txt\ndjango==5.0.6  # the framework\n',
    'constraints.txt': 'redis==5.0.4\n-r /etc/pins.txt\n',
    'docker-compose.yml': compose({ base: { dockerfile: 'Dockerfile.base', image: 'acme-base:latest' } }),
  });

  it('follows -r and -c relative to the file that names them, each file once, and names what it could not read', () => {
    const read = readRequirements(project, 'requirements.txt');
    assert.deepEqual(read.files, ['requirements.txt', 'requirements/base.txt', 'constraints.txt']);
    assert.deepEqual(read.unread, ['https://example.com/c.txt', 'requirements/common.txt', '/etc/pins.txt']);
    assert.deepEqual(
      read.lines.map((l) => [l.file, l.text, l.constraint]),
      [
        ['requirements/base.txt', 'django==5.0.6', false],
        ['constraints.txt', 'redis==5.0.4', true],
        ['requirements.txt', 'gunicorn==22.0.0    --hash=sha256:abc', false],
      ],
    );
  });
});

describe("imageFacts: a stage's COPY list lives as long as one file's check", () => {
  const files = {
    'Dockerfile.base': BASE,
    'requirements.txt': 'django==5.0.6\n',
    'docker/Dockerfile.web':
      '# Web\nFROM acme-base:latest\nCOPY app/ app/\nCOPY scripts/entrypoints/web.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
    'app/manage.py': 'print("manage")\n',
    'scripts/entrypoints/web.sh': '#!/bin/sh\nexec gunicorn app.wsgi\n',
    'docker-compose.yml': compose({
      base: { dockerfile: 'Dockerfile.base', image: 'acme-base:latest' },
      web: { dockerfile: 'docker/Dockerfile.web' },
    }),
  };

  it("is computed once for all of a file's rules, and again, the same, in the next file's check", () => {
    const project = projectOf(files);
    const web = project.dockerfile('docker/Dockerfile.web')!;
    const stage = web.stages[0]!;
    beginFileCheck();
    const first = stageCopies(project, web, stage);
    assert.deepEqual(
      first.map((c) => [c.keyword, c.sources.map((s) => s.value), c.dest?.value, c.workdir]),
      [
        ['COPY', ['app/'], 'app/', '/srv'],
        ['COPY', ['scripts/entrypoints/web.sh'], '/entrypoint.sh', '/srv'],
      ],
    );
    assert.equal(stageCopies(project, web, stage), first, 'one list for every rule of the check');
    beginFileCheck();
    const next = stageCopies(project, web, stage);
    // Kept for the whole check, every stage's list was ~4 MB per 1,000 services of old-space heap.
    assert.notEqual(next, first, "the last file's lists are dropped");
    assert.deepEqual(next, first);
  });

  it("works out a Dockerfile's runtime stages once a file check, and hands each caller its own list", () => {
    const project = projectOf({
      ...files,
      'docker/Dockerfile.web':
        '# Web\nFROM acme-base:latest AS runtime\nCOPY app/ app/\n\nFROM runtime AS test\nRUN pip install pytest\n',
      'docker-compose.yml': compose({
        base: { dockerfile: 'Dockerfile.base', image: 'acme-base:latest' },
        web: { dockerfile: 'docker/Dockerfile.web' },
      }).replace('dockerfile: docker/Dockerfile.web\n', 'dockerfile: docker/Dockerfile.web\n      target: runtime\n'),
    });
    const web = project.dockerfile('docker/Dockerfile.web')!;
    const asked: string[] = [];
    const imageStages = project.imageStages.bind(project);
    project.imageStages = (model) => {
      asked.push(model.path);
      return imageStages(model);
    };
    beginFileCheck();
    const first = runtimeStages(project, web);
    assert.deepEqual(
      first.map((s) => s.name),
      ['runtime'],
    );
    first.length = 0;
    assert.deepEqual(
      runtimeStages(project, web).map((s) => s.name),
      ['runtime'],
      "a caller's change to its list is not the next caller's answer",
    );
    assert.deepEqual(asked, ['docker/Dockerfile.web'], 'the images are worked out once for all of the check');
    beginFileCheck();
    runtimeStages(project, web);
    assert.deepEqual(asked, ['docker/Dockerfile.web', 'docker/Dockerfile.web'], "and again in the next file's check");
  });
});
