import { defineRule } from '../../rule';
import { shownLine } from '../../inlineDockerfiles';

export const duplicateStageName = defineRule({
  id: 'duplicate-stage-name',
  meta: {
    section: 3,
    description: 'Every stage of a multi-stage build has its own name.',
    defaultSeverity: 'error',
    fixable: true,
  },
  messages: {
    duplicate: 'Unexpected second stage named "{{name}}" (the first is on line {{line}}); `COPY --from={{name}}` and `FROM {{name}}` cannot tell them apart.',
  },
  check: {
    dockerfile(file, context) {
      const seen = new Map<string, number>();
      const taken = new Set(file.stages.map((s) => s.name).filter((n): n is string => n !== undefined));
      for (const stage of file.stages) {
        if (!stage.name || !stage.nameRange) {
          continue;
        }
        const first = seen.get(stage.name);
        if (first === undefined) {
          seen.set(stage.name, stage.fromInstruction.getRange().start.line);
          continue;
        }
        let n = 2;
        while (taken.has(`${stage.name}-${n}`)) {
          n++;
        }
        const rename = `${stage.name}-${n}`;
        taken.add(rename);
        const nameRange = stage.nameRange;
        context.report({
          messageId: 'duplicate',
          data: { name: stage.name, line: shownLine(file, first) },
          range: nameRange,
          fix: (fixer) => fixer.setTitle(`Rename this stage to "${rename}"`, true).replace(file.path, nameRange, rename),
        });
      }
    },
  },
});
