import { isMap } from 'yaml';
import { defineRule } from '../../rule';
import { scalarString } from '../../parse/yamlUtil';
import { removeMapPair } from '../../yamlEdit';

export const obsoleteVersionKey = defineRule({
  id: 'obsolete-version-key',
  meta: {
    section: 'compose',
    description: 'Compose files do not carry the obsolete top-level version: key.',
    defaultSeverity: 'info',
    fixable: true,
  },
  messages: {
    obsolete: 'Unexpected top-level version: key: the Compose Specification made it obsolete and docker compose ignores it.',
  },
  check: {
    compose(file, context) {
      if (!file.version) {
        return;
      }
      const root = file.view?.doc.contents;
      const pair = isMap(root) ? root.items.find((p) => scalarString(p.key) === 'version') : undefined;
      const edit = pair && isMap(root) ? removeMapPair(file.lines, root, pair) : undefined;
      context.report({
        messageId: 'obsolete',
        range: file.version.range,
        fix: edit
          ? (fixer) =>
              fixer.setTitle('Remove the obsolete version: key', true).remove(file.path, file.lines.rangeOf(edit.start, edit.end))
          : undefined,
      });
    },
  },
});
