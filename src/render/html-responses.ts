// report.html's Responses section: the static frame (controls, an empty table, the notes) and
// the matrix as data. The answers are model output, so they never enter the HTML: they travel as
// JSON in non-executed script tags (`<` escaped) or gzip+base64, and the page script puts them
// in the DOM as text, or as Markdown through marked and then DOMPurify. Pure.
import type { MatrixHead, ResponseTask } from '../types/responses.js';
import { embedJson, escapeHtml, scriptSafeJson } from './html-page.js';

export interface ResponsesSection {
  /** Only its head is read here (columns, counts): the cells are in `chunks`. */
  matrix: MatrixHead;
  /** The tasks as the page reads them (taskChunks), as JSON text or as gzip+base64 of it: `count` of them, each read when its tag is written. */
  chunks: { encoding: 'json' | 'gzip-base64'; count: number; text(i: number): string };
  /** Where the full text is, for the note on cut answers. */
  resultsFile: string;
}

/**
 * JSON per chunk of tasks: a small first one, so the page draws its first rows at once, then big
 * ones, read while the reader looks at those (each chunk costs the page a decoder of its own).
 */
export const CHUNK_CHARS = { first: 256 * 1024, rest: 2 * 1024 * 1024 } as const;

/** Tasks per page of the matrix; the first chunk holds at least this many. */
export const PAGE_TASKS = 10;

/** The tasks' JSON in chunks (CHUNK_CHARS), in order; at least one chunk. */
export function taskChunks(tasks: readonly ResponseTask[]): string[] {
  return [...eachTaskChunk(tasks)];
}

/** taskChunks one at a time, so a caller can pack each and let its text go (a 100,000-job run's is tens of MB). */
export function* eachTaskChunk(tasks: Iterable<ResponseTask>): Generator<string> {
  const bounds = chunkBounds();
  let part: string[] = [];
  for (const task of tasks) {
    const json = JSON.stringify(task);
    part.push(json);
    if (!bounds.full(json)) continue;
    yield `[${part.join(',')}]`;
    part = [];
  }
  if (bounds.pending()) yield `[${part.join(',')}]`;
}

/** Where the chunks end, told each task's JSON in turn: `full` after the last task of a chunk; `pending` when a last one is still to close (at least one chunk in all). */
export function chunkBounds(): { full(json: string): boolean; pending(): boolean } {
  let tasks = 0;
  let size = 0;
  let first = true;
  return {
    full(json) {
      tasks++;
      size += json.length;
      if (!(first ? size >= CHUNK_CHARS.first && tasks >= PAGE_TASKS : size >= CHUNK_CHARS.rest)) return false;
      first = false;
      tasks = 0;
      size = 0;
      return true;
    },
    pending: () => tasks > 0 || first,
  };
}

/** Figures the rows can be sorted by: the cell field and its label. */
export const SORT_FIELDS = [
  ['latency_ms', 'latency'],
  ['ttft_ms', 'ttft'],
  ['tokens_completion', 'output tokens'],
  ['tokens_prompt', 'prompt tokens'],
  ['cost_usd', 'cost'],
] as const;

export function renderResponsesSection(s: ResponsesSection): string {
  const m = s.matrix;
  const options = (first: string) => [first, ...m.columns.map((c, i) => `<option value="${i}">${i + 1}. ${escapeHtml(c.name)}</option>`)].join('');
  const cut = m.truncated > 0
    ? `<p class="note" id="responses-cut">${m.truncated} answer(s) or reasoning trace(s) are cut to ${m.limit} characters in this page, marked in their cell; the full text is in <code>${escapeHtml(s.resultsFile)}</code> (<code>agent-lab show DIR --task ID</code> prints it).</p>`
    : '';
  const baseline = m.baseline_jobs > 0 ? ` · ${m.baseline_jobs} job(s) have a baseline answer to diff against` : '';
  const data = [`<script type="application/json" id="agent-lab-responses">${embedJson({ columns: m.columns, jobs: m.jobs, tasks: m.task_count })}</script>`, chunkTag(s, 0)].join('\n');
  return [
    '<h2 id="responses">Responses</h2>',
    `<p class="note" id="responses-meta">${m.task_count} task(s) × ${m.columns.length} column(s) (model · system prompt), ${m.jobs} job(s)${baseline}. Answers are model output: shown as sanitised Markdown (no script, no remote content) or as raw text.</p>`,
    cut,
    '<div id="responses-controls">',
    '<input type="search" id="rs-search" placeholder="search answers" aria-label="search answers">',
    '<label><input type="checkbox" id="rs-failing"> only failing checks</label>',
    '<label><input type="checkbox" id="rs-errors"> only errors</label>',
    '<label><input type="checkbox" id="rs-disagree"> only where columns disagree</label>',
    '<label><input type="checkbox" id="rs-raw"> raw text</label>',
    `<label>sort <select id="rs-sort"><option value="">task order</option>${SORT_FIELDS.map(([f, l]) => `<option value="${f}">${l}</option>`).join('')}</select></label>`,
    `<select id="rs-sort-col" aria-label="sort by which column">${options('<option value="-1">highest of any column</option>')}</select>`,
    '<select id="rs-sort-dir" aria-label="sort direction"><option value="desc">high first</option><option value="asc">low first</option></select>',
    `<label>diff <select id="rs-diff-a">${options('<option value="-1">—</option>')}</select></label>`,
    `<label>→ <select id="rs-diff-b">${options('<option value="-1">—</option>')}</select></label>`,
    '</div>',
    '<div id="rs-pager"><button type="button" id="rs-prev">‹ previous</button> <span id="rs-status">loading answers…</span> <button type="button" id="rs-next">next ›</button></div>',
    `<div class="wide"><table id="responses-table" data-page="${PAGE_TASKS}"><thead></thead><tbody></tbody></table></div>`,
    '<noscript><p class="note">The Responses section needs JavaScript; results.jsonl and responses.md have the same answers.</p></noscript>',
    data,
  ].join('\n');
}

/**
 * The chunks after the first, for the end of the page (after the scripts): the page draws its
 * first rows from the first chunk without waiting for the parser to get through the rest.
 */
export function* responsesTailPieces(s: ResponsesSection): Generator<string> {
  for (let i = 1; i < s.chunks.count; i++) yield `${i > 1 ? '\n' : ''}${chunkTag(s, i)}`;
}

function chunkTag(s: ResponsesSection, i: number): string {
  const { encoding } = s.chunks;
  const text = s.chunks.text(i);
  // base64 has no `<`; JSON gets it escaped, so no answer can close the tag.
  return `<script type="application/json" class="agent-lab-responses-chunk" data-encoding="${encoding}">${encoding === 'json' ? scriptSafeJson(text) : text}</script>`;
}

export const RESPONSES_STYLE = `
#responses-controls{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.6rem 0}
#rs-search{min-width:16rem}#rs-pager{margin:.4rem 0}#rs-status{color:#5a6272;margin:0 .5rem}
#responses-table{table-layout:auto}
#responses-table th,#responses-table td{text-align:left;white-space:normal;vertical-align:top;border:1px solid #eceff3}
#responses-table th.task{min-width:8rem;max-width:14rem;word-break:break-word}
#responses-table td.cell{min-width:300px;max-width:560px}
td.cell.is-fail{background:#fff6f5}td.cell.is-error{background:#fffbeb}
.vars{font-weight:400;color:#5a6272;font-size:.9em}.disagree{color:#8a63d2;font-size:.85em}
.cell-head{display:flex;gap:.4rem;align-items:center;flex-wrap:wrap}
.badge{border-radius:3px;padding:0 .35rem;font-size:.85em;background:#eef1f5}
.badge.pass{background:#dcf3e6;color:#14532d}.badge.fail{background:#fbd5d5;color:#8f1d1d}.badge.error{background:#fde9c8;color:#7c4a03}
.figures{color:#5a6272;font-size:.88em;font-variant-numeric:tabular-nums}
ul.checks{margin:.25rem 0;padding-left:1.1rem;font-size:.9em}ul.checks li.fail{color:#b42318;font-weight:600}ul.checks li.error{color:#9a5b00;font-weight:600}
.judge{color:#5a6272;font-weight:400}
.answer{max-height:26rem;overflow:auto;border-top:1px solid #eceff3;margin-top:.3rem;padding-top:.3rem;content-visibility:auto;contain-intrinsic-size:auto 12rem}
.answer pre,.answer code,pre.raw,.tools pre,.reasoning pre{white-space:pre-wrap;word-break:break-word}
pre.raw{margin:0;font:inherit;font-family:ui-monospace,monospace;font-size:.9em}
.cut{color:#9a5b00;font-size:.85em}
ins.diff-ins{background:#cdeed9;text-decoration:none}del.diff-del{background:#fbd0d0}
.diff{white-space:pre-wrap;word-break:break-word;border-top:1px dashed #c9cfd9;margin-top:.3rem;padding-top:.3rem}
.cell button,#rs-pager button{font:inherit;font-size:.85em;padding:0 .4rem}
`;
