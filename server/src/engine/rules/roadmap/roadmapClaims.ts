import { defineRule, type FixBuilder, type RuleContext } from '../../rule';
import { doneNote, itemStatus, matchItem, readCheckboxes, type Checkbox, type ItemStatus } from '../../roadmap';

function summarize(findings: { ruleId: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  }
  return [...counts.entries()].map(([id, n]) => `${n} ${id}`).join(', ');
}

/** Why an item fails: what it misses, and its findings counted by rule. */
function why(status: ItemStatus): string {
  return [status.unmet, summarize(status.findings)].filter(Boolean).join('; ');
}

/**
 * An item's text as a title: without emphasis, code marks or parentheses (nested ones too), and
 * not too long. Underscores inside a name stay (`celery_worker`): before, every `_` went, and
 * `(see (x))` left a `)`.
 */
function shortText(text: string): string {
  let plain = text
    .replace(/`/g, '')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\w*])([*_])(?=\S)(.+?)(?<=\S)\2(?!\w)/g, '$1$3');
  for (let before = ''; before !== plain; ) {
    before = plain;
    plain = plain.replace(/\s*\([^()]*\)/g, '');
  }
  plain = plain.replace(/[\s:]+$/, '');
  return plain.length > 80 ? `${plain.slice(0, 79).replace(/\s+\S*$/, '')}…` : plain;
}

/** The checklist of a roadmap document, with the status of the item each line speaks of. */
function readClaims(text: string, context: RuleContext<string>) {
  const boxes = readCheckboxes(text);
  const byLine = new Map(boxes.map((b) => [b.line, b]));
  const statuses = new Map<string, ItemStatus>();
  /** The status of the item a line speaks of, if it speaks of one (each item read once). */
  const status = (box: Checkbox): ItemStatus | undefined => {
    const item = matchItem(box.text);
    if (!item) {
      return undefined;
    }
    const s = statuses.get(item.id) ?? itemStatus(item, context.project, context.previousFindings);
    statuses.set(item.id, s);
    return s;
  };
  const within = (box: Checkbox, parent: Checkbox): boolean => {
    for (let up = box.parent; up !== undefined; up = byLine.get(up)?.parent) {
      if (up === parent.line) {
        return true;
      }
    }
    return false;
  };
  /** The items nested under a line, at any depth. */
  const subItems = (parent: Checkbox): Checkbox[] => boxes.filter((b) => within(b, parent));
  return { boxes, status, subItems };
}

/** The sub-items of a line, at any depth, whose items fail, ticked or not. */
function failingSubItems(
  box: Checkbox,
  status: (b: Checkbox) => ItemStatus | undefined,
  subItems: (b: Checkbox) => Checkbox[],
): { box: Checkbox; status: ItemStatus }[] {
  return subItems(box).flatMap((b) => {
    const s = status(b);
    return s?.state === 'fail' ? [{ box: b, status: s }] : [];
  });
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
    noted: 'Unexpected "{{word}}": "{{title}}" is not true of the workspace yet ({{summary}}).',
  },
  check: {
    text(file, context) {
      if (file.role !== 'roadmap') {
        return;
      }
      const { boxes, status, subItems } = readClaims(file.text, context);
      // A "Verified" note claims the item as a tick does: unticking leaves none behind, and an
      // item left open that still says it is done is reported. Before, both went unnoticed.
      const claimed = boxes.map((box) => ({ box, note: doneNote(box) })).filter((c) => c.box.checked || c.note);
      for (const { box, note } of claimed) {
        const messageId = box.checked ? 'violated' : 'noted';
        const fix = (fixer: FixBuilder) => {
          if (box.checked) {
            fixer
              .setTitle(note ? 'Uncheck this item and remove its done note' : 'Uncheck this item', true)
              .replace(file.path, box.markRange, ' ');
          } else {
            fixer.setTitle('Remove the done note', true);
          }
          if (note) {
            fixer.remove(file.path, note.removal);
          }
        };
        const own = status(box);
        if (own?.state === 'fail') {
          context.report({
            messageId,
            data: { title: own.item.title, summary: why(own), word: note?.word ?? '' },
            range: box.textRange,
            related: own.findings.slice(0, 20).map((f) => ({ path: f.path, range: f.range, message: `${f.ruleId}: ${f.message}` })),
            fix,
          });
          continue;
        }
        // A ticked item with sub-items claims them too: while one of them does not hold, ticked or
        // not, neither does it (and sync unticks it with them).
        const failing = failingSubItems(box, status, subItems);
        if (failing.length === 0) {
          continue;
        }
        const titles = [...new Set(failing.map((c) => c.status.item.title))];
        context.report({
          messageId,
          data: {
            title: shortText(box.text),
            summary: `${titles.length} sub-item${titles.length === 1 ? '' : 's'} not done: ${titles.map((t) => `"${t}"`).join(', ')}`,
            word: note?.word ?? '',
          },
          range: box.textRange,
          related: failing.slice(0, 20).map((c) => ({ path: file.path, range: c.box.textRange, message: `${c.status.item.title}: ${why(c.status)}` })),
          fix,
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
    subItemsSatisfied: 'Expected [x]: "{{title}}" holds in the workspace (its {{count}} sub-items are ticked, and the checks of {{checked}} found nothing).',
  },
  check: {
    text(file, context) {
      if (file.role !== 'roadmap') {
        return;
      }
      const { boxes, status, subItems } = readClaims(file.text, context);
      for (const box of boxes.filter((b) => !b.checked)) {
        const own = status(box);
        const fix = (fixer: FixBuilder) => fixer.setTitle('Check this item', true).replace(file.path, box.markRange, 'x');
        if (own) {
          // Not while a sub-item fails: the violated rule unticks such a parent, and ticking it
          // back made --fix flip it on every pass.
          if (own.state === 'pass' && failingSubItems(box, status, subItems).length === 0) {
            context.report({ messageId: 'satisfied', data: { title: own.item.title, checks: own.item.rules.join(', ') }, range: box.textRange, fix });
          }
          continue;
        }
        // An item that is only its sub-items (`… to ensure:`): done once every one is ticked and
        // none is contradicted, and at least one was checked. Sync ticks it back after unticking
        // it with a sub-item that a fix then made hold.
        const subs = subItems(box);
        const states = subs.map((b) => status(b)?.state);
        const checked = states.filter((s) => s === 'pass').length;
        if (subs.length === 0 || subs.some((b) => !b.checked) || states.includes('fail') || checked === 0) {
          continue;
        }
        context.report({
          messageId: 'subItemsSatisfied',
          data: { title: shortText(box.text), count: String(subs.length), checked: checked === 1 ? '1 of them' : `${checked} of them` },
          range: box.textRange,
          fix,
        });
      }
    },
  },
});
