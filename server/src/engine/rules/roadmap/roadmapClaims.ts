import { defineRule } from '../../rule';
import { itemStatus, matchItem, readCheckboxes } from '../../roadmap';

function summarize(findings: { ruleId: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  }
  return [...counts.entries()].map(([id, n]) => `${n} ${id}`).join(', ');
}

export const roadmapClaimViolated = defineRule({
  id: 'roadmap-claim-violated',
  meta: {
    section: 'roadmap',
    description: 'A checklist item marked done in the roadmap document is contradicted by the workspace.',
    defaultSeverity: 'warning',
    fixable: true,
  },
  messages: {
    violated: 'Unexpected [x]: "{{title}}" is not true of the workspace yet ({{summary}}).',
  },
  check: {
    text(file, context) {
      if (file.role !== 'roadmap') {
        return;
      }
      for (const box of readCheckboxes(file.text)) {
        const item = box.checked ? matchItem(box.text) : undefined;
        if (!item) {
          continue;
        }
        const status = itemStatus(item, context.project, context.previousFindings);
        if (status.state !== 'fail') {
          continue;
        }
        context.report({
          messageId: 'violated',
          data: { title: item.title, summary: [status.unmet, summarize(status.findings)].filter(Boolean).join('; ') },
          range: box.textRange,
          related: status.findings.slice(0, 20).map((f) => ({ path: f.path, range: f.range, message: `${f.ruleId}: ${f.message}` })),
          fix: (fixer) => fixer.setTitle('Uncheck this item', true).replace(file.path, box.markRange, ' '),
        });
      }
    },
  },
});

export const roadmapClaimSatisfied = defineRule({
  id: 'roadmap-claim-satisfied',
  meta: {
    section: 'roadmap',
    description: 'A checklist item left open in the roadmap document already holds in the workspace.',
    defaultSeverity: 'hint',
    fixable: true,
  },
  messages: {
    satisfied: 'Expected [x]: "{{title}}" holds in the workspace ({{checks}} found nothing).',
  },
  check: {
    text(file, context) {
      if (file.role !== 'roadmap') {
        return;
      }
      for (const box of readCheckboxes(file.text)) {
        const item = box.checked ? undefined : matchItem(box.text);
        if (!item) {
          continue;
        }
        const status = itemStatus(item, context.project, context.previousFindings);
        if (status.state !== 'pass') {
          continue;
        }
        context.report({
          messageId: 'satisfied',
          data: { title: item.title, checks: item.rules.join(', ') },
          range: box.textRange,
          fix: (fixer) => fixer.setTitle('Check this item', true).replace(file.path, box.markRange, 'x'),
        });
      }
    },
  },
});
