import { MAX_YAML_LENGTH } from '../../parse/compose';
import { defineRule, type RuleContext } from '../../rule';
import { fileSuppressionComments, unreadableSuppressions } from '../../suppress';
import type { LineIndex } from '../../text';
// The registry imports this rule; the ids are read when a file is checked, after both are loaded.
import { RULES } from '..';
import { nearestName } from '../../names';

type SuppressionMessage = 'unknownId' | 'unknownIdDidYouMean' | 'reasonWithoutDashes' | 'unreadableSuppression';

/**
 * What a file's suppression comments get wrong, since each would silence nothing: rule ids no rule
 * has (a typo), words after the ids (a reason written without its `--`), and comments that cannot be read.
 */
function reportSuppressionProblems(file: { text: string; lines: LineIndex }, context: RuleContext<SuppressionMessage>): void {
  const known = RULES.map((r) => r.id);
  const isId = (id: string): boolean => known.includes(id) || nearestName(id, known) !== undefined;
  for (const comment of fileSuppressionComments(file.text, file.lines)) {
    const { ids } = comment;
    // The words that end the comment and are no rule id nor close to one, from the first not listed
    // after a comma: several of them are a reason (`… test-artifacts-in-runtime because we run smoke
    // tests`), said once, not as one unknown id per word.
    let from = ids.length;
    while (from > 0 && !isId(ids[from - 1]!.id)) {
      from--;
    }
    while (from < ids.length && ids[from]!.afterComma) {
      from++;
    }
    const reason = ids.length - from >= 2 ? ids.slice(from) : [];
    for (const { id, start, end } of ids.slice(0, ids.length - reason.length)) {
      if (!known.includes(id)) {
        const suggestion = nearestName(id, known);
        context.report({
          messageId: suggestion ? 'unknownIdDidYouMean' : 'unknownId',
          data: { id, suggestion: suggestion ?? '' },
          range: file.lines.rangeOf(start, end),
        });
      }
    }
    if (reason.length > 0) {
      const start = reason[0]!.start;
      const end = reason[reason.length - 1]!.end;
      const words = file.text.slice(start, end);
      const listed = ids.length > reason.length ? file.text.slice(ids[0]!.start, ids[from - 1]!.end) : '<rule-id>';
      const example = `docker-modularity-ignore${comment.fileWide ? '-file' : ''} ${listed} -- ${words}`;
      context.report({ messageId: 'reasonWithoutDashes', data: { words, example }, range: file.lines.rangeOf(start, end) });
    }
  }
  for (const { start, end } of unreadableSuppressions(file.text, file.lines)) {
    context.report({ messageId: 'unreadableSuppression', range: file.lines.rangeOf(start, end) });
  }
}

/** Syntax problems that keep a file from being understood: reported so they are never silent. */
export const parseError = defineRule({
  id: 'parse-error',
  meta: {
    section: 'compose',
    description:
      'Files parse: YAML syntax, duplicate keys, env-file lines, Dockerfiles without FROM or with a FROM docker cannot read.',
    defaultSeverity: 'error',
    fixable: false,
    checksPartialFiles: true,
  },
  messages: {
    yaml: 'Invalid YAML: {{detail}} {{scope}}',
    multipleDocuments:
      'Unexpected second YAML document (---) in a compose file: docker compose merges the documents of one file in order, but docker-modularity checks one document per file. Split them into compose files (docker compose -f a.yaml -f b.yaml) to have them checked. {{scope}}',
    env: 'Unexpected line in env file: {{detail}}',
    noFrom: 'Expected a FROM instruction: this Dockerfile has none, so it builds nothing.',
    empty: 'Expected a FROM instruction: this Dockerfile is empty, so it builds nothing.',
    fromNoImage: 'Expected an image after FROM: docker build refuses a FROM without one (FROM image [AS name]).',
    fromArguments: 'Unexpected argument in FROM: docker build refuses a FROM that is not FROM image [AS name].',
    unknownId: 'Unexpected rule id {{id}} in a docker-modularity-ignore comment: no rule has that id, so it silences nothing.',
    unknownIdDidYouMean:
      'Unexpected rule id {{id}} in a docker-modularity-ignore comment: no rule has that id, so it silences nothing (did you mean {{suggestion}}?).',
    reasonWithoutDashes:
      'Unexpected words "{{words}}" in a docker-modularity-ignore comment: no rule has these ids, so they silence nothing; a reason goes after -- ({{example}}).',
    unreadableSuppression:
      'Unexpected docker-modularity-ignore comment that cannot be read, so it silences nothing: write the rule ids, separated by commas, then any reason after -- (docker-modularity-ignore <rule-id>, <rule-id> -- <reason>).',
    tooLarge: 'Unexpected size: {{detail}}, so this file is not analysed. The rest of the workspace is still checked.',
  },
  check: {
    compose(file, context) {
      reportSuppressionProblems(file, context);
      // A partial file gets no other findings until it parses; duplicate keys or an alias bomb leave it readable.
      const scope = file.partial
        ? "The rest of the workspace is still checked; this file's other checks wait until it parses."
        : 'The rest of the workspace and this file are still checked.';
      for (const p of file.problems) {
        if (file.text.length > MAX_YAML_LENGTH) {
          // Not parsed at all, the YAML may well be valid: said as the Dockerfile's size is, not as "Invalid YAML".
          const detail = p.message.replace(/^The /, 'the ').replace(/\.$/, '');
          context.report({ messageId: 'tooLarge', data: { detail }, range: p.range });
        } else if (p.multipleDocuments) {
          context.report({ messageId: 'multipleDocuments', data: { scope }, range: p.range });
        } else {
          context.report({ messageId: 'yaml', data: { detail: /[.!?]$/.test(p.message) ? p.message : `${p.message}.`, scope }, range: p.range });
        }
      }
    },
    text(file, context) {
      // Markdown (the roadmap document, an entrypoints README) has `<!-- docker-modularity-ignore … -->` comments.
      if (file.role === 'roadmap' || file.role === 'markdown') {
        reportSuppressionProblems(file, context);
      }
    },
    env(file, context) {
      reportSuppressionProblems(file, context);
      for (const p of file.problems) {
        context.report({ messageId: 'env', data: { detail: p.message }, range: p.range });
      }
    },
    dockerfile(file, context) {
      reportSuppressionProblems(file, context);
      if (file.problems && file.problems.length > 0) {
        for (const p of file.problems) {
          context.report({ messageId: 'tooLarge', data: { detail: p.message }, range: p.range });
        }
        return;
      }
      for (const stage of file.stages) {
        if (stage.fromProblem) {
          const messageId = stage.fromProblem === 'no-image' ? 'fromNoImage' : 'fromArguments';
          context.report({ messageId, range: stage.fromProblemRange! });
        }
      }
      if (file.stages.length > 0) {
        return;
      }
      // Report on the first instruction, or on the first non-empty line when there is none.
      const first = file.ast.getInstructions()[0];
      if (first) {
        context.report({ messageId: 'noFrom', range: first.getInstructionRange() });
        return;
      }
      for (let line = 0; line < file.lines.lineCount; line++) {
        const text = file.lines.lineText(line);
        if (text.trim() !== '') {
          const start = text.length - text.trimStart().length;
          context.report({ messageId: 'noFrom', range: { start: { line, character: start }, end: { line, character: text.trimEnd().length } } });
          return;
        }
      }
      // An empty file (or blank lines only): docker build refuses it too. At the start of the file.
      context.report({ messageId: 'empty', range: { start: { line: 0, character: 0 }, end: { line: 0, character: file.lines.lineText(0).length } } });
    },
  },
});
