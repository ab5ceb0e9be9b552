// compare.md: the same comparison as a Markdown report, for a PR comment or a CI job summary.
// Pure: returns a string.
import { compareVerdict, type Comparison } from './compare.js';
import { COMPARE_HEADERS, compareCells } from './format.js';
import { flipLines } from './flips.js';

export function renderCompareMarkdown(c: Comparison): string {
  const out: string[] = ['# agent-lab compare', ''];
  out.push(`- baseline: \`${c.baseline.run_id}\` (${md(c.baseline.path)})${c.baseline.per_job ? '' : ' — summary only'}`);
  out.push(`- current: \`${c.current.run_id}\` (${md(c.current.path)})${c.current.per_job ? '' : ' — summary only'}`);
  if (c.rules.length === 0) out.push('- gate: none (no `--fail-on`)');
  else out.push(`- gate: **${{ fail: 'FAILED', unknown: 'unknown (nothing in both runs)', pass: 'passed', none: '' }[compareVerdict(c)]}** (${c.rules.map((r) => `\`${r.text}\``).join(', ')})`);
  out.push('');
  if (c.failures.length) out.push('## Failures', '', ...c.failures.map((f) => `- ${md(f)}`), '');
  if (c.untested.length) out.push('## Past a threshold, not testable', '', ...c.untested.map((u) => `- ${md(u)}`), '');
  if (c.rows.length) {
    out.push(`| ${COMPARE_HEADERS.join(' | ')} |`, `|${COMPARE_HEADERS.map((h) => (['baseline', 'current', 'delta'].includes(h) ? ' ---: ' : ' --- ')).join('|')}|`);
    for (const row of c.rows) out.push(`| ${compareCells(row).map((cell) => (cell === null ? '-' : md(cell))).join(' | ')} |`);
    out.push('');
  } else {
    out.push('No model × system prompt is in both runs: nothing to compare.', '');
  }
  const [flipHead, ...flipList] = flipLines(c.task_flips);
  if (flipHead) out.push('## Task flips', '', md(flipHead), '', ...flipList.map((f) => `- ${md(f)}`), '');
  const notes = [...c.notes];
  if (c.only_baseline.length) notes.push(`Only in the baseline: ${c.only_baseline.join(', ')}.`);
  if (c.only_current.length) notes.push(`Only in the current run: ${c.only_current.join(', ')}.`);
  notes.push('Significant: pass and error rates by Newcombe\'s 95% interval for a difference of proportions; p50s and per-job tokens and cost by the Mann-Whitney U test (p < 0.05); p95s by a seeded 95% bootstrap interval, from 20 jobs a side. Timing covers ok jobs only.');
  out.push(...notes.map((n) => `> ${md(n)}`));
  return `${out.join('\n')}\n`;
}

/** Keep a cell inside its table cell. */
const md = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
