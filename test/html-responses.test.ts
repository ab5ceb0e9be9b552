import type { JobResult } from '../src/types/result.js';
// report.html's Responses section in a real Chromium: every answer is there (pages, repeats),
// filters, search and sort change the rows, Markdown renders and raw text shows as written, the
// diff views mark words, and hostile answers run nothing, in both embeddings (JSON and gzip).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { summarize } from '../src/stats/aggregate.js';
import { PAGE_TASKS } from '../src/render/html-responses.js';
import { writeRunReports } from '../src/store/report-html.js';
import type { ResponseRow } from '../src/types/responses.js';
import { HAVE_CHROMIUM, launchBrowser, openPage, SKIP_NOTE, statusText, waitForStatus, type Browser } from './helpers/browser.js';
import { row as jobRow } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const row = (o: Partial<ResponseRow>): ResponseRow => jobRow(o);
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const COLUMNS = [
  { model: 'o/a', model_label: 'A', system_prompt_id: 'p' },
  { model: 'o/b', model_label: 'B', system_prompt_id: 'p' },
];
const TASKS = 45;
const id = (i: number) => `t${String(i).padStart(2, '0')}`;
const failing = (i: number) => i % 9 === 3;
const erring = (i: number) => i % 11 === 7;
const agreeing = (i: number) => i % 5 === 0;

/** 45 tasks × 2 columns × 2 repeats: some agree, some fail a check, some error, one is very slow. */
function mainRows(): ResponseRow[] {
  const rows: ResponseRow[] = [];
  for (let i = 0; i < TASKS; i++) {
    COLUMNS.forEach((col, c) => {
      for (let repeat = 0; repeat < 2; repeat++) {
        const job_id = `${id(i)}-${c}-${repeat}`;
        const base = { ...col, job_id, task_id: id(i), repeat, started_at: at(i), latency_ms: c === 1 && i === 17 ? 99_999 : 1000 + i, vars: { n: i } };
        if (c === 1 && erring(i)) {
          rows.push(row({ ...base, status: 'error', error_kind: 'server', error_message: 'HTTP 500', output_text: '', ttft_ms: null, latency_ms: null }));
          continue;
        }
        let output = agreeing(i) ? `Both columns say ${i} in repeat ${repeat}.` : `Column ${col.model_label} answers ${id(i)} repeat ${repeat}.`;
        if (i === 4) output = c === 0 ? 'The capital is Paris.' : 'The capital is Lyon.';
        if (i === 22 && c === 0 && repeat === 1) output = 'A zebra crossed the road.';
        if (i === 1 && c === 0 && repeat === 0) output = '**bold** words\n\n| a | b |\n|---|---|\n| 1 | 2 |';
        const pass = !(c === 1 && failing(i));
        rows.push(row({ ...base, output_text: output, checks: [{ name: 'contains "a"', pass, detail: pass ? 'found' : 'not found' }], passed: pass }));
      }
    });
  }
  // Task 2, column A, repeat 0: what issues 8 and 9 add to a row.
  const extra = rows.find((r) => r.job_id === 't02-0-0')!;
  Object.assign(extra, {
    reasoning_text: 'First think about the weather.',
    tool_calls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' }],
    judge_cost_usd: 0.00021,
    checks: [...extra.checks, { name: 'judge: helpful', pass: true, detail: 'judged', verdict: 'pass', score: 0.9, threshold: 0.7, reason: 'answers the question' }],
  });
  return rows;
}

const HOSTILE = [
  '<script>window.pwned = 1</script>',
  '<img src="x" onerror="window.pwned = 2">',
  '[click me](javascript:window.pwned=3)',
  '</script><script>window.pwned = 4</script><!--',
  '<svg onload="window.pwned = 5"></svg><iframe src="javascript:window.pwned=6"></iframe>',
  '![tracker](http://127.0.0.1:9/pixel.png) <a href="javascript:alert(1)">x</a> <details open ontoggle="window.pwned=7">d</details>',
];

async function writeRun(ws: Workspace, dir: string, rows: ResponseRow[], baseline?: string): Promise<string> {
  await ws.write(`${dir}/results.jsonl`, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const summary = summarize(rows as unknown as JobResult[], { run_id: dir, suite: 'responses', started_at: 'a', finished_at: 'b', status: 'ok' });
  const files = await writeRunReports(ws.path(dir), summary, { baseline: baseline ? ws.path(baseline) : null });
  return files.html;
}

let ws: Workspace;
let browser: Browser;
const open = (file: string) => openPage(browser.context, file, 'body[data-responses-all="ready"]');

/** The tasks of the rows on screen, in order. */
const rowsShown = (page: Page) => page.$$eval('#responses-table > tbody > tr', (trs) => trs.map((tr) => tr.getAttribute('data-task')));
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  ws = await workspace();
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await ws?.cleanup();
});

describe.skipIf(!HAVE_CHROMIUM)('the Responses section in Chromium', () => {
  let file: string;
  beforeAll(async () => {
    file = await writeRun(ws, 'main', mainRows());
  });

  it('holds every answer: each page, each column, each repeat', async () => {
    const { page, problems, requests } = await open(file);
    await page.check('#rs-raw');
    const seen = new Set<string>();
    const pages = Math.ceil(TASKS / PAGE_TASKS);
    for (let p = 0; p < pages; p++) {
      for (const repeat of [0, 1]) {
        const texts = await page.$$eval('#responses-table td.cell pre.raw', (pres) => pres.map((pre) => pre.textContent ?? ''));
        texts.forEach((t) => seen.add(t));
        // Every cell with repeats steps to its next one.
        if (repeat === 0) await page.$$eval('#responses-table td.cell button[data-act="next"]', (bs) => bs.forEach((b) => (b as unknown as { click(): void }).click()));
      }
      if (p < pages - 1) await page.click('#rs-next');
    }
    const expected = new Set(mainRows().filter((r) => r.status === 'ok').map((r) => r.output_text));
    expect([...expected].filter((t) => !seen.has(t))).toEqual([]);
    expect(await statusText(page)).toBe(`tasks ${(pages - 1) * PAGE_TASKS + 1}–45 of 45`);
    expect(problems).toEqual([]);
    expect(requests).toHaveLength(1);
    await page.close();
  });

  it('filters: failing checks, errors, disagreement and search change the rows; sort by a figure', async () => {
    const { page } = await open(file);
    const all = Array.from({ length: TASKS }, (_, i) => i);
    expect(await rowsShown(page)).toEqual(all.slice(0, PAGE_TASKS).map(id));
    await page.check('#rs-failing');
    await waitForStatus(page, /of 5 \(filtered/);
    expect(await rowsShown(page)).toEqual(all.filter(failing).map(id));
    await page.uncheck('#rs-failing');
    await page.check('#rs-errors');
    await waitForStatus(page, /of 4 \(filtered/);
    expect(await rowsShown(page)).toEqual(all.filter(erring).map(id));
    await page.uncheck('#rs-errors');
    await page.check('#rs-disagree');
    const disagree = all.filter((i) => !agreeing(i) || erring(i) || failing(i));
    await waitForStatus(page, new RegExp(`of ${disagree.length} \\(filtered`));
    expect(await rowsShown(page)).toEqual(disagree.slice(0, PAGE_TASKS).map(id));
    await page.uncheck('#rs-disagree');
    // Search covers every repeat's answer, not only the one shown; case does not matter.
    await page.fill('#rs-search', 'ZEBRA');
    await waitForStatus(page, /of 1 \(filtered/);
    expect(await rowsShown(page)).toEqual(['t22']);
    await page.fill('#rs-search', 'no answer says this');
    await waitForStatus(page, /no task matches/);
    expect(await rowsShown(page)).toEqual([]);
    await page.fill('#rs-search', '');
    await waitForStatus(page, new RegExp(`^tasks 1–${PAGE_TASKS} of 45$`));
    await page.selectOption('#rs-sort', 'latency_ms');
    expect((await rowsShown(page)).slice(0, 3)).toEqual(['t17', 't44', 't43']);
    await page.selectOption('#rs-sort-dir', 'asc');
    expect((await rowsShown(page)).slice(0, 2)).toEqual(['t00', 't01']);
    await page.close();
  });

  it('renders Markdown, or the raw text by the toggle; shows checks, judge, tool calls, reasoning, vars and figures', async () => {
    const { page } = await open(file);
    const cell = (t: string, c: number) => `#responses-table tr[data-task="${t}"] td[data-col="${c}"]`;
    expect(await page.$eval(`${cell('t01', 0)} .answer strong`, (e) => e.textContent)).toBe('bold');
    expect(await page.$$eval(`${cell('t01', 0)} .answer table td`, (tds) => tds.map((td) => td.textContent))).toEqual(['1', '2']);
    const t02 = await page.$eval(cell('t02', 0), (td) => ({
      checks: [...td.querySelectorAll('ul.checks li')].map((li) => li.textContent),
      tools: td.querySelector('details.tools')!.textContent,
      reasoningOpen: td.querySelector('details.reasoning')!.hasAttribute('open'),
      reasoning: td.querySelector('details.reasoning pre')!.textContent,
      figures: td.querySelector('.figures')!.textContent,
    }));
    expect(t02.checks).toEqual(['✓ contains "a": found', '✓ judge: helpful: judged · score 0.9 (threshold 0.7) · answers the question']);
    expect(t02.tools).toContain('weather({"city":"Paris"})');
    expect(t02.reasoningOpen).toBe(false);
    expect(t02.reasoning).toBe('First think about the weather.');
    expect(t02.figures).toBe('ttft 100 ms · latency 1002 ms · tokens 12 → 6 · $0.00100 · judge $0.000210');
    expect(await page.$eval('#responses-table tr[data-task="t03"] th .vars', (e) => e.textContent)).toBe('n=3');
    // A failed check is highlighted: the cell, and the check in it.
    expect(await page.$eval(cell('t03', 1), (td) => [td.className, td.querySelector('li.fail')!.textContent])).toEqual(['cell is-fail', '✗ contains "a": not found']);
    expect(await page.$eval(cell('t07', 1), (td) => [td.className, td.querySelector('div.error')!.textContent])).toEqual(['cell is-error', 'server: HTTP 500']);
    await page.check('#rs-raw');
    expect(await page.$eval(`${cell('t01', 0)} pre.raw`, (e) => e.textContent)).toBe('**bold** words\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    await page.close();
  });

  it('diffs two columns word by word: deleted and inserted words marked', async () => {
    const { page } = await open(file);
    await page.selectOption('#rs-diff-a', '0');
    await page.selectOption('#rs-diff-b', '1');
    expect(await page.$eval('#responses-table > thead', (h) => h.textContent)).toBe('taskword diff: 1. A · p → 2. B · p');
    const t04 = await page.$eval('#responses-table tr[data-task="t04"] td', (td) => ({ del: [...td.querySelectorAll('del.diff-del')].map((e) => e.textContent), ins: [...td.querySelectorAll('ins.diff-ins')].map((e) => e.textContent), text: td.textContent }));
    expect(t04.del).toEqual(['Paris', 'Paris']);
    expect(t04.ins).toEqual(['Lyon', 'Lyon']);
    expect(t04.text).toContain('repeat 1 of 2The capital is ParisLyon.');
    // Columns that agree show no marks.
    expect(await page.$$eval('#responses-table tr[data-task="t00"] td :is(ins, del)', (e) => e.length)).toBe(0);
    await page.selectOption('#rs-diff-b', '-1');
    expect(await page.$$eval('#responses-table > thead th', (th) => th.length)).toBe(3);
    await page.close();
  });

  it('with a baseline, a cell diffs its answer against the same job there', async () => {
    const before = mainRows().map((r) => (r.job_id === 't04-1-0' ? { ...r, output_text: 'The capital was Marseille.', passed: false } : r));
    await writeRun(ws, 'base', before);
    const current = await writeRun(ws, 'current', mainRows(), 'base');
    const { page, problems } = await open(current);
    expect(await page.$eval('#responses-meta', (p) => p.textContent)).toContain(`${mainRows().length} job(s) have a baseline answer`);
    const cell = '#responses-table tr[data-task="t04"] td[data-col="1"]';
    expect(await page.$eval(`${cell} .figures:last-of-type`, (e) => e.textContent)).toBe('baseline: ok · faildiff vs baseline');
    // A DOM click: answers off screen are laid out only as they scroll in (content-visibility), so a
    // click at the button's coordinates could land where the button was a frame before.
    await page.dispatchEvent(`${cell} button[data-act="baseline"]`, 'click');
    const marks = await page.$eval(`${cell} .diff`, (d) => ({ del: [...d.querySelectorAll('del')].map((e) => e.textContent), ins: [...d.querySelectorAll('ins')].map((e) => e.textContent) }));
    expect(marks).toEqual({ del: ['was Marseille'], ins: ['is Lyon'] });
    // An unchanged answer says so and offers no diff.
    expect(await page.$eval('#responses-table tr[data-task="t04"] td[data-col="0"]', (td) => [td.textContent!.includes('same answer'), td.querySelector('button[data-act="baseline"]')])).toEqual([true, null]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says when answers were cut and where the full text is', async () => {
    const rows = [row({ job_id: 'long', output_text: `start ${'word '.repeat(6000)}end` })];
    const { page } = await open(await writeRun(ws, 'long', rows));
    expect(await page.$eval('#responses-cut', (p) => p.textContent)).toBe('1 answer(s) or reasoning trace(s) are cut to 20000 characters in this page, marked in their cell; the full text is in results.jsonl (agent-lab show DIR --task ID prints it).');
    expect(await page.$eval('td.cell .cut', (e) => e.textContent)).toBe(`answer cut: 20000 of ${rows[0]!.output_text.length} characters shown; results.jsonl has it all`);
    await page.close();
  });

  for (const big of [false, true]) {
    it(`runs nothing a model wrote, and shows it as text (${big ? 'gzip' : 'JSON'} embedding)`, async () => {
      const hostile = HOSTILE.map((text, i) => row({ job_id: `h${i}`, task_id: i === 0 ? '</script><script>window.pwned=8</script>' : `h${i}`, model_label: '<img src=x onerror="window.pwned=9">', started_at: at(i), output_text: text, reasoning_text: text }));
      // Enough harmless filler to pass the gzip threshold, after the hostile page.
      const filler = big ? Array.from({ length: 300 }, (_, i) => row({ job_id: `f${i}`, task_id: `f${i}`, started_at: at(100 + i), output_text: 'x'.repeat(2500) })) : [];
      const html = await writeRun(ws, big ? 'hostile-big' : 'hostile', [...hostile, ...filler]);
      expect(await readFile(html, 'utf8')).toContain(big ? 'data-encoding="gzip-base64"' : 'data-encoding="json"');
      const { page, problems, requests } = await open(html);
      const pwned = () => page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned);
      expect(await rowsShown(page)).toEqual(hostile.map((r) => r.task_id).concat(big ? Array.from({ length: PAGE_TASKS - hostile.length }, (_, i) => `f${i}`) : []));
      // Every reasoning trace open; no link an answer made can run script.
      await page.$$eval('details', (ds) => ds.forEach((d) => d.setAttribute('open', '')));
      const hrefs = await page.$$eval('.answer a', (as) => as.map((a) => a.getAttribute('href')));
      expect(hrefs.filter((h) => h && /^\s*javascript:/i.test(h))).toEqual([]);
      expect(await page.$$eval('.answer :is(script, img, svg, iframe, [onerror], [onload], [ontoggle])', (e) => e.length)).toBe(0);
      expect(await page.$eval('#responses-table', (t) => t.textContent)).toContain('[image: tracker]');
      await page.check('#rs-raw');
      const raw = await page.$$eval('pre.raw', (pres) => pres.map((p) => p.textContent));
      expect(raw).toEqual(expect.arrayContaining(HOSTILE));
      expect(await page.$eval('#responses-table > thead', (h) => h.textContent)).toContain('<img src=x onerror="window.pwned=9"> · p');
      expect(await pwned()).toBeUndefined();
      expect(problems).toEqual([]);
      expect(requests).toHaveLength(1);
      await page.close();
    });
  }
});

if (!HAVE_CHROMIUM) {
  console.warn(`html-responses.test.ts skipped: ${SKIP_NOTE}`);
  it.skip(SKIP_NOTE, () => {});
}
