// writeRunReports reads the cells back from results.jsonl a task at a time instead of building the
// response matrix whole: its report.html and responses.md must be, byte for byte, what the whole
// matrix gives (matrixBuilder, baselineJoin, taskChunks, renderRunHtml, renderResponsesMarkdown).
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { taskChunks } from '../src/render/html-responses.js';
import { renderRunHtml, SAMPLE_FIELDS, type SampleRow } from '../src/render/html.js';
import { baselineJoin, matrixBuilder, matrixHead, textLimit } from '../src/responses/matrix.js';
import { renderResponsesMarkdown } from '../src/responses/markdown.js';
import { chartJsSource, GZIP_ABOVE, SAMPLE_LIMIT, writeRunReports } from '../src/store/report-html.js';
import { responsesLibSources } from '../src/store/browser-libs.js';
import type { JobResult } from '../src/types/result.js';
import type { ResponseRow } from '../src/types/responses.js';
import type { RunSummary } from '../src/types/summary.js';
import { row as jobRow } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

/** Tasks × two columns × repeats, written out of order as a run finishes them; some long, some failing, some erring. */
function rows(tasks: number, repeats: number, answer: (t: number, c: number, r: number) => string): ResponseRow[] {
  const out: ResponseRow[] = [];
  for (let r = repeats - 1; r >= 0; r--) {
    for (let t = 0; t < tasks; t++) {
      for (const [c, model] of ['o/a', 'o/b'].entries()) {
        // Odd tasks differ by column, even ones agree.
        const pass = (t + r + (t % 2 ? c : 0)) % 4 !== 1;
        const failed = (t * 7 + r) % 13 === 5;
        out.push(jobRow({
          job_id: `j${t}-${c}-${r}`, job_index: (t * 2 + c) * repeats + r, task_id: `t${t}`, model, model_label: model.toUpperCase(), system_prompt_id: 'p',
          repeat: r, started_at: at(t + r), vars: t % 3 ? { n: t } : undefined,
          status: failed ? 'error' : 'ok', error_kind: failed ? 'timeout' : null, error_message: failed ? 'timed out' : null,
          output_text: failed ? '' : answer(t, c, r), reasoning_text: t % 5 === 2 ? `thinking ${'x'.repeat(t === 27 ? 10_100 : t * 40)}` : '',
          checks: [{ name: 'contains', pass, detail: pass ? 'found' : 'not found' }], passed: failed ? null : pass,
        }) as ResponseRow);
      }
    }
  }
  return out;
}

/** What writeRunReports wrote before it streamed: the whole matrix, packed and rendered at once. */
async function wholeMatrixReports(file: string, summary: RunSummary, baseline: string | null): Promise<{ html: string; markdown: string }> {
  const all = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ResponseRow);
  const limit = textLimit(summary.overall.n);
  const builder = matrixBuilder({ columnOrder: summary.groups, limit });
  for (const r of all) builder.add(r);
  let matrix = builder.finish();
  if (baseline) {
    const join = baselineJoin(matrix, limit);
    for (const r of (await readFile(baseline, 'utf8')).split('\n').filter(Boolean)) join.add(JSON.parse(r) as ResponseRow);
    matrix = join.finish();
  }
  const texts = taskChunks(matrix.tasks);
  const zipped = texts.reduce((n, t) => n + t.length, 0) > GZIP_ABOVE;
  const packed = zipped ? texts.map((t) => gzipSync(t, { level: 4 }).toString('base64')) : texts;
  const chunks = { encoding: zipped ? ('gzip-base64' as const) : ('json' as const), count: packed.length, text: (i: number) => packed[i]! };
  expect(all.length).toBeLessThanOrEqual(SAMPLE_LIMIT);
  const sample = all.map((r) => Object.fromEntries(SAMPLE_FIELDS.map((f) => [f, r[f] ?? null])) as SampleRow);
  const html = renderRunHtml({ summary, sample, totalRows: all.length, chartJs: await chartJsSource(), responses: { matrix: matrixHead(matrix), chunks, resultsFile: 'results.jsonl', libs: await responsesLibSources() } });
  return { html, markdown: [...renderResponsesMarkdown(matrix, summary)].join('') };
}

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => {
  await ws.cleanup();
});

async function writeRun(dir: string, list: ResponseRow[]): Promise<RunSummary> {
  await ws.write(`${dir}/results.jsonl`, list.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return summarize(list as unknown as JobResult[], { run_id: dir, suite: 'streamed', started_at: 'a', finished_at: 'b', status: 'ok' });
}

async function expectSame(dir: string, summary: RunSummary, baseline: string | null = null): Promise<string> {
  const files = await writeRunReports(ws.path(dir), summary, { baseline: baseline && ws.path(baseline) });
  const want = await wholeMatrixReports(ws.path(`${dir}/results.jsonl`), summary, baseline && ws.path(`${baseline}/results.jsonl`));
  const html = await readFile(files.html, 'utf8');
  expect(html === want.html).toBe(true);
  expect(await readFile(files.markdown, 'utf8')).toBe(want.markdown);
  // The gzipped chunks went through a spool file beside the page, and it is gone.
  expect((await readdir(ws.path(dir))).filter((name) => name.includes('.tmp-'))).toEqual([]);
  return html;
}

describe('writeRunReports, streamed from the journal', () => {
  it('writes what the whole matrix gives: JSON chunks, cut answers, vars, reasoning, failures', async () => {
    const summary = await writeRun('small', rows(30, 3, (t, c, r) => (t % 10 === 0 ? `long ${'word '.repeat(4100)}` : t % 2 ? `answer ${t} ${c} ${r}` : `same ${t} ${r}`)));
    const html = await expectSame('small', summary);
    expect(html).toContain('data-encoding="json"');
    expect(html).toContain('answer(s) or reasoning trace(s) are cut');
    expect(html).toContain('"disagree":true');
    expect(html).toContain('"disagree":false');
  });

  it('writes what the whole matrix gives when the chunks are gzipped', async () => {
    const summary = await writeRun('big', rows(60, 4, (t, c, r) => `${t}/${c}/${r} ${'lorem ipsum dolor '.repeat(300)}`));
    const html = await expectSame('big', summary);
    expect(html).toContain('data-encoding="gzip-base64"');
    expect(html.match(/class="agent-lab-responses-chunk"/g)!.length).toBeGreaterThan(2);
  });

  it('joins a baseline the same way, and a journal holding a job twice', async () => {
    const base = rows(20, 2, (t, c, r) => (t % 2 ? `old ${t} ${c} ${r}` : `answer ${t} ${c} ${r}`)).filter((r) => r.task_id !== 't3');
    await writeRun('base', base);
    const summary = await writeRun('next', rows(20, 2, (t, c, r) => `answer ${t} ${c} ${r}`));
    expect(await expectSame('next', summary, 'base')).toContain('have a baseline answer');
    // An unfinalized journal: a job's retry after its first row; the baseline goes on one cell only.
    const twice = rows(20, 2, (t, c, r) => `answer ${t} ${c} ${r}`);
    twice.push({ ...twice[5]!, output_text: 'the retry' });
    await expectSame('next', await writeRun('next', twice), 'base');
  });
});
