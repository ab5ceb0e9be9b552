// Pure: responses.md, in pieces to stream. Answers are fenced, so a model's Markdown cannot break the page.
import { fence } from '../render/response-md.js';
import type { MatrixHead, ResponseCell, ResponseColumn, ResponseMatrix, ResponseTask } from '../types/responses.js';
import { matrixHead } from './matrix.js';
import { checkMark, checkText, columnTitle, figuresText, outcomeText, repeatText, toolCallText, varsText } from './figures.js';

export const RESPONSES_MD = 'responses.md';

export interface ResponsesMeta {
  suite: string;
  run_id: string;
}

const MARK = { pass: '✅', fail: '❌', error: '⚠️' } as const;

export function* renderResponsesMarkdown(matrix: ResponseMatrix, meta: ResponsesMeta): Generator<string> {
  yield responsesMarkdownHead(matrixHead(matrix), meta);
  for (const task of matrix.tasks) yield* responsesMarkdownTask(task, matrix.columns);
}

/** The file's head, from the matrix's figures alone (its cells may not have been read yet). */
export function responsesMarkdownHead(matrix: MatrixHead, meta: ResponsesMeta): string {
  let head = `# Responses: ${meta.suite}\n\nRun \`${meta.run_id}\` · ${matrix.task_count} task(s) × ${matrix.columns.length} column(s) · ${matrix.jobs} job(s) · ${matrix.failing_tasks} task(s) with failing checks · ${matrix.error_tasks} with errors.\n\n`;
  head += `Columns, in the order every task lists them:\n\n${matrix.columns.map((c, i) => `${columnTitle(matrix.columns, i)} (\`${c.model}\`)`).join('\n')}\n\n`;
  if (matrix.truncated > 0) {
    head += `> ${matrix.truncated} answer(s) or reasoning trace(s) were cut to ${matrix.limit} characters to keep this file readable; \`results.jsonl\` has the full text (\`agent-lab show DIR --task ID\` prints it).\n\n`;
  }
  return head;
}

export function* responsesMarkdownTask(task: ResponseTask, columns: readonly ResponseColumn[]): Generator<string> {
  yield `## Task ${code(task.task_id)}\n\n`;
  const vars = varsText(task.vars);
  if (vars) yield `vars: ${code(vars)}\n\n`;
  for (let c = 0; c < columns.length; c++) {
    const repeats = task.cells[c]!;
    if (repeats.length === 0) continue;
    for (let i = 0; i < repeats.length; i++) yield renderCell(repeats[i]!, `${columnTitle(columns, c)}${repeatText(i, repeats.length)}`);
  }
}

function renderCell(cell: ResponseCell, title: string): string {
  const verdict = cell.status !== 'ok' ? MARK.error : cell.passed === null ? '' : cell.passed ? MARK.pass : MARK.fail;
  const lines = [`### ${title}`, '', `${verdict ? `${verdict} ` : ''}${outcomeText(cell)} · ${figuresText(cell)}`, ''];
  for (const check of cell.checks) lines.push(`- ${MARK[checkMark(check)]} ${checkText(check)}`);
  for (const call of cell.tool_calls) lines.push(`- tool call ${code(toolCallText(call))}`);
  if (cell.checks.length || cell.tool_calls.length) lines.push('');
  if (cell.reasoning) lines.push(`<details><summary>reasoning (${cell.reasoning_chars} characters)</summary>`, '', fence(cell.reasoning), '', '</details>', '');
  if (cell.status === 'ok') lines.push(cell.output === '' ? '_(empty answer)_' : fence(cell.output), '');
  if (cell.output.length < cell.output_chars) lines.push(`_(cut: ${cell.output.length} of ${cell.output_chars} characters)_`, '');
  return `${lines.join('\n')}\n`;
}

/** Inline code that survives backticks inside the text. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return longest ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}
