import type { Arg, Env, Instruction, Property } from 'dockerfile-ast';
import { defineRule } from '../../rule';
import type { ComposeModel, ComposeServiceDef, EnvironmentEntry } from '../../parse/compose';
import type { DockerfileModel } from '../../parse/dockerfile';
import type { Project, Service } from '../../project';
import { rangeKey, type LineIndex, type Range } from '../../text';
import { instructionLinesRange } from '../../dockerfileEdit';
import {
  addToSecretsFile,
  dotenvValue,
  ensureEnvFileReference,
  environmentEntryRemoval,
  findSecret,
  secretsFileDisagrees,
  secretsReferenceShared,
  serviceList,
  servicesOfDef,
  type SecretHit,
} from './envShared';

export const secretInEnvironment = defineRule({
  id: 'secret-in-environment',
  meta: {
    section: 4,
    description: 'Secrets are not written into compose environment: or Dockerfile ENV/ARG.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    secret: 'Unexpected secret {{key}} written into the environment of {{services}}; keep it in {{secretsFile}}.',
    urlCredentials:
      'Unexpected credentials in {{key}} ({{masked}}) in the environment of {{services}}; keep it in {{secretsFile}}.',
    dockerfileSecret:
      'Unexpected secret {{key}} in {{instruction}}: it is baked into every image built from this Dockerfile; keep it in {{secretsFile}}.',
    dockerfileArg:
      'Unexpected secret {{key}} as an ARG default: it is recorded in the image history; pass it as a build secret instead.',
    dockerfileUrl:
      'Unexpected credentials in {{key}} ({{masked}}) in {{instruction}}: they are baked into every image built from this Dockerfile; keep it in {{secretsFile}}.',
    disagrees:
      'Unexpected secret {{key}} written into the environment of {{services}}; {{secretsFile}} sets {{key}} to another value, so keep the right one there and remove this one.',
    dockerfileDisagrees:
      'Unexpected secret {{key}} in {{instruction}}: it is baked into every image built from this Dockerfile; {{secretsFile}} sets {{key}} to another value, so keep the right one there and remove this one.',
  },
  check: {
    compose(file, context) {
      const { project, config } = context;
      const hits = new Map<string, { entry: EnvironmentEntry; hit: SecretHit; defs: ComposeServiceDef[] }>();
      for (const def of file.services) {
        for (const entry of def.environment) {
          const hit = findSecret(entry.key, entry.value);
          if (!hit || !entry.valueRange) {
            continue;
          }
          const key = rangeKey(entry.range);
          const h = hits.get(key) ?? { entry, hit, defs: [] };
          h.defs.push(def);
          hits.set(key, h);
        }
      }
      for (const { entry, hit, defs } of hits.values()) {
        const services = serviceList(defs.map((d) => d.name));
        // Moving it would drop the value one of the two places holds: no fix, and the message says why.
        const disagrees = secretsFileDisagrees(project, entry.key, entry.value ?? '');
        // A service whose env_file list others alias would hand the secrets file to them too.
        const shared = secretsReferenceShared(
          project,
          defs.flatMap((d) => servicesOfDef(project, d)),
        );
        // An entry the fix cannot find to remove is reported without one: never a fix that does nothing.
        const removable = environmentEntryRemoval(file, defs[0]!, entry.offsets[0]) !== undefined;
        // A fragment no project here completes (no build or image anywhere: an overlay given with
        // `-f` from a Makefile, in another folder): compose reads its paths from a first file this
        // cannot tell, so an env_file written there could point anywhere (before: ../secrets.env).
        const fragment = defs.some((d) => servicesOfDef(project, d).some((s) => !s.build && !s.image));
        context.report({
          messageId: disagrees ? 'disagrees' : hit.kind === 'url' ? 'urlCredentials' : 'secret',
          data: {
            key: entry.key,
            services,
            secretsFile: config.secretsFile,
            ...(hit.kind === 'url' ? { masked: hit.masked } : {}),
          },
          range: secretRange(file, entry, hit),
          fix:
            disagrees || shared || !removable || fragment
              ? undefined
              : (fixer) => {
                  const group = { services: defs.flatMap((d) => servicesOfDef(project, d)), edited: new Set<unknown>() };
                  const keyAdded = new Set<ComposeServiceDef>();
                  fixer.setTitle(`Move secret ${entry.key} to ${config.secretsFile}`, true);
                  // In the definition that held the secret: a secret of a prod overlay is not every environment's.
                  for (const def of defs) {
                    for (const service of servicesOfDef(project, def)) {
                      if (ensureEnvFileReference(fixer, project, service, config.secretsFile, 'last', group, def)) {
                        keyAdded.add(def);
                      }
                    }
                  }
                  const removal = environmentEntryRemoval(file, defs[0]!, entry.offsets[0], keyAdded.has(defs[0]!));
                  if (!removal) {
                    fixer.abandon();
                    return;
                  }
                  fixer.replace(file.path, removal.range, removal.newText, removal.scope);
                  addToSecretsFile(fixer, project, entry.key, `${entry.key}=${dotenvValue(entry.value ?? '')}`);
                },
        });
      }
    },
    dockerfile(file, context) {
      const { project, config } = context;
      for (const stage of file.stages) {
        for (const instruction of stage.instructions) {
          const keyword = instruction.getKeyword();
          if (keyword !== 'ENV' && keyword !== 'ARG') {
            continue;
          }
          const properties =
            keyword === 'ENV'
              ? (instruction as Env).getProperties()
              : [(instruction as Arg).getProperty()].filter((p): p is Property => p !== null);
          properties.forEach((property, index) => {
            const name = property.getName();
            const value = property.getValue();
            const valueRange = property.getValueRange();
            const hit = value === null ? undefined : findSecret(name, value);
            if (!hit || !valueRange) {
              return;
            }
            const range =
              hit.kind === 'url'
                ? (urlRange(
                    file.text,
                    file.lines.offsetAt(valueRange.start),
                    file.lines.offsetAt(valueRange.end),
                    value!,
                    hit,
                    file.lines,
                  ) ?? valueRange)
                : valueRange;
            const disagrees = keyword === 'ENV' && secretsFileDisagrees(project, name, value!);
            // A service whose env_file list others alias would hand the secrets file to them too.
            const shared = keyword === 'ENV' && secretsReferenceShared(project, runtimeUsers(project, file));
            context.report({
              messageId:
                keyword === 'ARG'
                  ? 'dockerfileArg'
                  : disagrees
                    ? 'dockerfileDisagrees'
                    : hit.kind === 'url'
                      ? 'dockerfileUrl'
                      : 'dockerfileSecret',
              data: {
                key: name,
                instruction: keyword,
                secretsFile: config.secretsFile,
                ...(hit.kind === 'url' ? { masked: hit.masked } : {}),
              },
              range,
              // A build ARG default is not an environment variable: moving it would change the build.
              fix:
                keyword === 'ENV' && !disagrees && !shared
                  ? (fixer) => {
                      const group = { services: runtimeUsers(project, file), edited: new Set<unknown>() };
                      fixer.setTitle(`Move secret ${name} to ${config.secretsFile}`, true);
                      fixer.remove(file.path, envPropertyRemoval(file, instruction, properties, index));
                      addToSecretsFile(fixer, project, name, `${name}=${dotenvValue(value!)}`);
                      for (const service of group.services) {
                        ensureEnvFileReference(fixer, project, service, config.secretsFile, 'last', group);
                      }
                    }
                  : undefined,
            });
          });
        }
      }
    },
  },
});

/** The narrowest honest range: the value, or the password inside a URL. */
function secretRange(file: ComposeModel, entry: EnvironmentEntry, hit: SecretHit): Range {
  const vr = entry.valueRange!;
  if (hit.kind !== 'url') {
    return vr;
  }
  return (
    urlRange(file.text, file.lines.offsetAt(vr.start), file.lines.offsetAt(vr.end), entry.value ?? '', hit, file.lines) ?? vr
  );
}

/** Maps the password's offsets in the value to the file, when the value is written as-is. */
function urlRange(
  text: string,
  start: number,
  end: number,
  value: string,
  hit: Extract<SecretHit, { kind: 'url' }>,
  lines: LineIndex,
): Range | undefined {
  let s = start;
  let e = end;
  if ((text[s] === '"' || text[s] === "'") && text[e - 1] === text[s]) {
    s++;
    e--;
  }
  if (text.slice(s, e) !== value) {
    return undefined;
  }
  return lines.rangeOf(s + hit.start, s + hit.end);
}

/**
 * The range that removes one key of an ENV: the whole instruction's lines when it is the only key,
 * otherwise the key and the separator before it (or after it, for the first key), so a
 * multi-line `ENV A=1 \` keeps its continuation lines well formed.
 */
function envPropertyRemoval(file: DockerfileModel, instruction: Instruction, properties: Property[], index: number): Range {
  if (properties.length === 1) {
    return instructionLinesRange(file, instruction);
  }
  const own = properties[index]!.getRange();
  if (index > 0) {
    return { start: properties[index - 1]!.getRange().end, end: own.end };
  }
  return { start: own.start, end: properties[1]!.getRange().start };
}

/** The services that run an image built from this Dockerfile (all application services for the base). */
function runtimeUsers(project: Project, file: DockerfileModel): Service[] {
  if (project.isBaseDockerfile(file.path)) {
    return project.services.filter((s) => project.isApplicationService(s));
  }
  return project.servicesBuiltFrom(file.path).filter((s) => !project.isBaseBuilder(s));
}
