// The comparison as a terminal table, with the gate verdict under it. Pure: returns a string.
import { compareVerdict, type Comparison } from './compare.js';
import { COMPARE_HEADERS, compareCells } from './format.js';
import { flipLines } from './flips.js';
import { formatTable, type Column } from '../render/format-table.js';

const RIGHT = new Set(['baseline', 'current', 'delta']);

export function renderCompareTable(c: Comparison): string {
  const columns: Column[] = COMPARE_HEADERS.map((header) => ({ header, align: RIGHT.has(header) ? 'right' : 'left' }));
  const lines = [`baseline ${c.baseline.run_id} (${c.baseline.path}) → current ${c.current.run_id} (${c.current.path})`];
  const table = c.rows.length ? formatTable(columns, c.rows.map(compareCells)) : 'No model × system prompt is in both runs: nothing to compare.\n';
  const tail: string[] = [];
  if (c.only_baseline.length) tail.push(`only in the baseline: ${c.only_baseline.join(', ')}`);
  if (c.only_current.length) tail.push(`only in the current run: ${c.only_current.join(', ')}`);
  tail.push(...c.notes);
  const [flipHead, ...flipList] = flipLines(c.task_flips);
  if (flipHead) tail.push(flipHead, ...flipList.map((f) => `  ${f}`));
  if (c.untested.length) tail.push('past a threshold but not testable for significance (not failures):', ...c.untested.map((u) => `  ${u}`));
  const verdict = compareVerdict(c);
  if (verdict === 'none') tail.push('no --fail-on rules: report only.');
  else if (verdict === 'unknown') tail.push(`gate unknown: no model × system prompt is in both runs, so ${c.rules.map((r) => r.text).join(', ')} checked nothing.`);
  else if (verdict === 'pass') tail.push(`gate passed: no significant change crosses ${c.rules.map((r) => r.text).join(', ')}.`);
  else tail.push(`gate FAILED (${c.failures.length}):`, ...c.failures.map((f) => `  ${f}`));
  return `${lines.join('\n')}\n${table}${tail.map((t) => `${t}\n`).join('')}`;
}
