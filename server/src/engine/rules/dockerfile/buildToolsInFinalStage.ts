import { defineRule } from '../../rule';
import { detectInstall, isSystemManager } from '../../parse/installs';
import { commandEnd, commandStart, programWords, type ShellCommand } from '../../parse/shell';
import type { Service } from '../../project';
import type { Stage } from '../../parse/dockerfile';
import { listNames, runtimeServicesOf, runtimeStages, stageChain } from './stageRefs';

/** System packages that only building needs: compilers, build systems, headers, Node toolchains. */
const BUILD_PACKAGES = new Set([
  'build-essential', 'build-base', 'alpine-sdk', 'gcc', 'g++', 'gcc-c++', 'cpp', 'clang', 'llvm', 'make', 'cmake',
  'ninja-build', 'autoconf', 'automake', 'libtool', 'pkg-config', 'pkgconf', 'pkgconfig', 'gfortran', 'nodejs', 'npm', 'yarn',
  'yarnpkg', 'rustc', 'cargo',
]);

function isBuildPackage(key: string): boolean {
  return BUILD_PACKAGES.has(key) || /-(dev|devel)$/.test(key);
}

const COMPILERS = new Set(['gcc', 'g++', 'cc', 'c++', 'clang', 'make', 'cmake', 'ninja']);

/** What build-only work a shell command does, or undefined. */
function buildWork(command: ShellCommand): string | undefined {
  const words = programWords(command).map((w) => w.value);
  const program = (words[0] ?? '').split('/').pop()!;
  if (COMPILERS.has(program)) {
    return `${program} (compiling)`;
  }
  if (/^(npm|yarn|pnpm)$/.test(program)) {
    const rest = words.slice(1).filter((w) => !w.startsWith('-'));
    const script = rest[0] === 'run' || rest[0] === 'run-script' ? rest[1] : program === 'npm' ? undefined : rest[0];
    if (script !== undefined && /^build(:.*)?$/.test(script)) {
      return `${program} ${rest[0] === script ? script : `${rest[0]} ${script}`}`;
    }
    return undefined;
  }
  if (words.includes('collectstatic') && (/^python[\d.]*$/.test(program) || program === 'django-admin' || program === 'manage.py' || program === 'uv' || program === 'poetry')) {
    return 'collectstatic';
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const name = w.split('/').pop()!;
    if (/^(ml_)?train(ing)?([_-][\w-]*)?\.(py|sh)$/.test(name) || /[_-]train(ing)?\.(py|sh)$/.test(name)) {
      return `model training (${name})`;
    }
    if (w === '-m' && /^python[\d.]*$/.test(program) && /(^|\.)train(ing)?$/.test(words[i + 1] ?? '')) {
      return `model training (${words[i + 1]})`;
    }
  }
  return undefined;
}

/**
 * Roadmap section 3: service images are multi-stage; compilers, `-dev` headers, Node toolchains,
 * asset builds, `collectstatic` and model training belong in builder stages whose output the final
 * stage copies. Reports them in the final stage of a service image (and in the stages it builds on).
 */
export const buildToolsInFinalStage = defineRule({
  id: 'build-tools-in-final-stage',
  meta: {
    section: 3,
    description: 'Build-only packages and steps in the final stage of a service image.',
    defaultSeverity: 'warning',
    fixable: false,
  },
  messages: {
    buildPackage:
      'Unexpected build-only package {{name}} in the final image of {{services}}; install it in a builder stage and COPY --from that stage what it builds.',
    buildStep:
      'Unexpected build step {{name}} in the final image of {{services}}; run it in a builder stage and COPY --from that stage what it produces.',
  },
  check: {
    dockerfile(file, context) {
      const { project } = context;
      if (project.isBaseDockerfile(file.path)) {
        return;
      }
      const services = runtimeServicesOf(project, file.path);
      if (services.length === 0) {
        return;
      }
      const stages = new Set(runtimeStages(project, file));
      // The services whose image holds each stage (a `worker` target's stage is not in web's image).
      const users = new Map<Stage, Service[]>();
      for (const service of services) {
        const image = project.targetStage(service);
        for (const stage of image ? stageChain(project, file, image) : []) {
          users.set(stage, [...(users.get(stage) ?? []), service]);
        }
      }
      for (const run of file.runs()) {
        if (!stages.has(run.stage)) {
          continue;
        }
        const names = listNames((users.get(run.stage) ?? services).map((s) => s.name));
        for (const command of run.commands) {
          const install = detectInstall(command);
          if (install) {
            if (isSystemManager(install.manager)) {
              for (const pkg of install.packages) {
                if (isBuildPackage(pkg.key)) {
                  context.report({
                    messageId: 'buildPackage',
                    data: { name: pkg.key, services: names },
                    range: file.lines.rangeOf(pkg.word.start, pkg.word.end),
                  });
                }
              }
            }
            continue;
          }
          const work = buildWork(command);
          if (work) {
            context.report({
              messageId: 'buildStep',
              data: { name: work, services: names },
              range: file.lines.rangeOf(programWords(command)[0]?.start ?? commandStart(command), commandEnd(command)),
            });
          }
        }
      }
    },
  },
});
