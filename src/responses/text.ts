// Pure: `agent-lab show` as terminal text; piped output is plain, with git's word-diff markers.
import { styleText } from 'node:util';
import { formatTable } from '../render/format-table.js';
import type { ResponseCell, ResponseColumn, ResponseMatrix, ResponseTask } from '../types/responses.js';
import { checkMark, checkText, columnTitle, figuresText, outcomeText, repeatText, toolCallText, varsText } from './figures.js';
import { isFailedJob } from './matrix.js';
import { plainDiff, type DiffPart } from './word-diff.js';

type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

/** The decision is the caller's (Env.isTTY, NO_COLOR), so styleText must not check process.stdout again. */
export const painter = (colour: boolean): Paint => (colour ? (style, text) => styleText(style, text, { validateStream: false }) : (_, text) => text);

const GLYPH = { pass: '✓', fail: '✗', error: '!' } as const;
const COLOUR = { pass: 'green', fail: 'red', error: 'yellow' } as const;

function glyphs(repeats: readonly ResponseCell[]): string {
  if (!repeats.length) return '-';
  return repeats.map((c) => (c.status === 'error' ? 'E' : c.status === 'skipped' ? 'S' : c.passed === null ? '·' : c.passed ? '✓' : '✗')).join('');
}

export function renderOverview(m: ResponseMatrix, where: string, paint: Paint): string {
  const count = (f: (t: ResponseTask) => boolean) => m.tasks.filter(f).length;
  const lines = [
    `${paint('bold', where)}: ${m.tasks.length} task(s) × ${m.columns.length} column(s), ${m.jobs} job(s) · ${count((t) => t.failing)} with failing checks · ${count((t) => t.errors)} with errors · ${count((t) => t.disagree)} where the columns disagree`,
    '',
    ...m.columns.map((_, c) => `  ${columnTitle(m.columns, c)}`),
    '',
  ];
  const table = formatTable(
    [{ header: 'task' }, ...m.columns.map((_, c) => ({ header: String(c + 1) })), { header: '' }],
    m.tasks.map((t) => [t.task_id, ...t.cells.map(glyphs), t.disagree ? 'disagree' : '']),
  );
  return `${lines.join('\n')}\n${table}\n✓ pass · ✗ fail · · ok, no checks · E error · S skipped (one mark per repeat)\nmore: --task ID · --failed · --diff A B (columns by number or name) · --json\n`;
}

export function renderTask(m: ResponseMatrix, task: ResponseTask, paint: Paint): string {
  const vars = varsText(task.vars);
  const out = [`${paint('bold', `task ${task.task_id}`)}${vars ? ` · vars: ${vars}` : ''}${task.disagree ? ' · the columns disagree' : ''}`, ''];
  task.cells.forEach((repeats, c) => {
    if (!repeats.length) return void out.push(paint('dim', `── ${columnTitle(m.columns, c)}: no job`), '');
    repeats.forEach((cell, i) => out.push(...cellLines(cell, `${columnTitle(m.columns, c)}${repeatText(i, repeats.length)}`, paint), ''));
  });
  return `${out.join('\n')}\n`;
}

function cellLines(cell: ResponseCell, title: string, paint: Paint): string[] {
  const outcome = cell.status !== 'ok' ? paint('yellow', outcomeText(cell)) : cell.passed === false ? paint('red', outcomeText(cell)) : outcomeText(cell);
  const lines = [paint('bold', `── ${title}`), `${outcome} · ${figuresText(cell)}`];
  for (const check of cell.checks) {
    const mark = checkMark(check);
    lines.push(paint(COLOUR[mark], `  ${GLYPH[mark]} ${checkText(check)}`));
  }
  for (const call of cell.tool_calls) lines.push(`  tool call: ${toolCallText(call)}`);
  if (cell.reasoning) lines.push(paint('dim', `reasoning (${cell.reasoning_chars} characters):`), paint('dim', cell.reasoning));
  if (cell.status === 'ok') lines.push(cell.output === '' ? paint('dim', '(empty answer)') : cell.output);
  return lines;
}

export interface FailedCell {
  task_id: string;
  column: number;
  /** 0-based among the cell's repeats. */
  at: number;
  of: number;
  cell: ResponseCell;
}

export function failedCells(m: ResponseMatrix): FailedCell[] {
  return m.tasks.flatMap((t) => t.cells.flatMap((repeats, column) => repeats.flatMap((cell, at) => (isFailedJob(cell) ? [{ task_id: t.task_id, column, at, of: repeats.length, cell }] : []))));
}

export function renderFailed(m: ResponseMatrix, failed: readonly FailedCell[], paint: Paint): string {
  if (!failed.length) return 'No failing cell: every job finished ok and passed its checks.\n';
  const lines: string[] = [];
  for (const f of failed) {
    lines.push(`${paint('bold', f.task_id)} · ${columnTitle(m.columns, f.column)}${repeatText(f.at, f.of)}`);
    if (f.cell.status !== 'ok') lines.push(paint('yellow', `  ${outcomeText(f.cell)}`));
    for (const check of f.cell.checks) {
      const mark = checkMark(check);
      if (mark !== 'pass') lines.push(paint(COLOUR[mark], `  ${GLYPH[mark]} ${checkText(check)}`));
    }
  }
  const tasks = new Set(failed.map((f) => f.task_id)).size;
  return `${lines.join('\n')}\n\n${failed.length} failing cell(s) in ${tasks} task(s)\n`;
}

export interface DiffEntry {
  task_id: string;
  at: number;
  of: number;
  a: ResponseCell | null;
  b: ResponseCell | null;
  /** null when a side is missing or not ok, or the answers are too different to diff in time. */
  parts: DiffPart[] | null;
}

export function renderDiffs(columns: readonly ResponseColumn[], pair: readonly [number, number], entries: readonly DiffEntry[], paint: Paint, colour: boolean): string {
  const legend = colour ? `${paint(['red', 'strikethrough'], 'removed')} ${paint(['green', 'underline'], 'added')}` : '[-removed-] {+added+}';
  const out = [`word diff: ${columnTitle(columns, pair[0])} → ${columnTitle(columns, pair[1])} (${legend})`, ''];
  for (const e of entries) {
    out.push(paint('bold', `── task ${e.task_id}${repeatText(e.at, e.of)}`));
    if (!e.a || !e.b) out.push(paint('dim', `only ${columnTitle(columns, e.a ? pair[0] : pair[1])} has this job`));
    else if (e.a.status !== 'ok' || e.b.status !== 'ok') out.push(paint('yellow', `${outcomeText(e.a)} → ${outcomeText(e.b)}`));
    else if (!e.parts) out.push(paint('dim', 'the answers are too different to diff word by word'));
    else if (e.parts.every((p) => p.kind === 'same')) out.push(paint('dim', '(same answer)'));
    else out.push(colour ? e.parts.map((p) => (p.kind === 'added' ? paint(['green', 'underline'], p.text) : p.kind === 'removed' ? paint(['red', 'strikethrough'], p.text) : p.text)).join('') : plainDiff(e.parts));
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
