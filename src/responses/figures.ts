// Pure: a cell in words, one spelling for responses.md and `show` (the report page's script matches it).
import { formatMs, formatUsd } from '../format.js';
import type { CheckView, ResponseCell, ResponseColumn, ToolCallView } from '../types/responses.js';

/** `ok · pass 2/2`, `ok · fail 1/2`, `ok`, `error (timeout): …`, `skipped (budget): …`. */
export function outcomeText(cell: ResponseCell): string {
  if (cell.status !== 'ok') return `${cell.status}${cell.error_kind ? ` (${cell.error_kind})` : ''}${cell.error_message ? `: ${cell.error_message}` : ''}`;
  if (cell.passed === null || cell.checks.length === 0) return 'ok';
  return `ok · ${cell.passed ? 'pass' : 'fail'} ${cell.checks.filter((c) => c.pass).length}/${cell.checks.length}`;
}

/** `ttft 120 ms · latency 900 ms · tokens 12 → 40 · $0.000120`; unknown figures are `-`. */
export function figuresText(cell: ResponseCell): string {
  const ms = (v: number | null) => (v === null ? '-' : formatMs(v));
  const n = (v: number | null) => (v === null ? '-' : String(v));
  const parts = [`ttft ${ms(cell.ttft_ms)}`, `latency ${ms(cell.latency_ms)}`, `tokens ${n(cell.tokens_prompt)} → ${n(cell.tokens_completion)}`, cell.cost_usd === null ? '$-' : `$${formatUsd(cell.cost_usd)}`];
  if (cell.judge_cost_usd !== null) parts.push(`judge $${formatUsd(cell.judge_cost_usd)}`);
  return parts.join(' · ');
}

export type CheckMark = 'pass' | 'fail' | 'error';

export const checkMark = (c: CheckView): CheckMark => c.verdict ?? (c.pass ? 'pass' : 'fail');

export function checkText(c: CheckView): string {
  const parts = [`${c.name}: ${c.detail}`];
  if (c.score !== undefined && c.score !== null) parts.push(`score ${c.score}${c.threshold !== undefined && c.threshold !== null ? ` (threshold ${c.threshold})` : ''}`);
  if (c.reason) parts.push(c.reason);
  return parts.join(' · ');
}

export const toolCallText = (t: ToolCallView): string => `${t.name}(${t.arguments})`;

/** `2. gpt-4o-mini · terse`: columns are numbered from 1, as `show --diff A B` takes them. */
export const columnTitle = (columns: readonly ResponseColumn[], c: number): string => `${c + 1}. ${columns[c]!.name}`;

export function varsText(vars: Record<string, unknown>): string {
  return Object.entries(vars)
    .map(([k, v]) => {
      const text = (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)).replace(/\s+/g, ' ');
      return `${k}=${text.length > 80 ? `${text.slice(0, 79)}…` : text}`;
    })
    .join(', ');
}

/** ` · repeat 2 of 3` (`i` 0-based), or nothing for a job run once. */
export const repeatText = (i: number, of: number): string => (of > 1 ? ` · repeat ${i + 1} of ${of}` : '');
