// The response matrix view-model, the word diff and responses.md: pure, no browser, no run.
import { describe, expect, it } from 'vitest';
import { baselineJoin, matrixBuilder, textLimit, TEXT_BUDGET } from '../src/responses/matrix.js';
import { renderResponsesMarkdown } from '../src/responses/markdown.js';
import { resolveColumn } from '../src/responses/columns.js';
import { plainDiff, wordDiff } from '../src/responses/word-diff.js';
import { taskChunks, CHUNK_CHARS, PAGE_TASKS } from '../src/render/html-responses.js';
import type { ResponseMatrix, ResponseRow } from '../src/types/responses.js';
import { row } from './helpers/rows.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const r = (o: Partial<ResponseRow>): ResponseRow => row(o);

function build(rows: ResponseRow[], options: Parameters<typeof matrixBuilder>[0] = {}): ResponseMatrix {
  const b = matrixBuilder(options);
  for (const x of rows) b.add(x);
  return b.finish();
}

describe('matrixBuilder', () => {
  it('puts tasks in the order they were sent, columns in summary order, repeats in repeat order', () => {
    const m = build(
      [
        r({ job_id: '1', task_id: 'b', model: 'x', model_label: 'X', system_prompt_id: 'p', started_at: at(5), repeat: 1 }),
        r({ job_id: '2', task_id: 'a', model: 'y', model_label: 'Y', system_prompt_id: 'p', started_at: at(1) }),
        r({ job_id: '3', task_id: 'b', model: 'x', model_label: 'X', system_prompt_id: 'p', started_at: at(4), repeat: 0 }),
        r({ job_id: '4', task_id: 'a', model: 'x', model_label: 'X', system_prompt_id: 'p', started_at: at(2) }),
      ],
      { columnOrder: [{ model: 'x', model_label: 'X', system_prompt_id: 'p' }] },
    );
    expect(m.columns.map((c) => c.name)).toEqual(['X · p', 'Y · p']);
    expect(m.tasks.map((t) => t.task_id)).toEqual(['a', 'b']);
    expect(m.tasks[1]!.cells[0]!.map((c) => c.job_id)).toEqual(['3', '1']);
    // Task b has no job in column Y: an empty cell, not a missing one.
    expect(m.tasks[1]!.cells[1]).toEqual([]);
    expect(m.jobs).toBe(4);
  });

  it('puts tasks in suite order by job_index even when a later task reached the server first', () => {
    // At concurrency ≥ the matrix every job starts at once: send order is a race, job_index is not.
    const m = build([
      r({ job_id: '1', job_index: 2, task_id: 'colour', started_at: at(1) }),
      r({ job_id: '2', job_index: 0, task_id: 'greet', started_at: at(2) }),
      r({ job_id: '3', job_index: 3, task_id: 'colour', started_at: at(1) }),
      r({ job_id: '4', job_index: 1, task_id: 'greet', started_at: at(3) }),
    ]);
    expect(m.tasks.map((t) => t.task_id)).toEqual(['greet', 'colour']);
  });

  it('says where the columns disagree: status, verdict or answer, not whitespace or case', () => {
    const two = (a: Partial<ResponseRow>, b: Partial<ResponseRow>) =>
      build([r({ job_id: 'a', model: 'x', ...a }), r({ job_id: 'b', model: 'y', ...b })]).tasks[0]!.disagree;
    expect(two({ output_text: 'Paris is the capital.' }, { output_text: '  paris IS the\ncapital. ' })).toBe(false);
    expect(two({ output_text: 'Paris' }, { output_text: 'Lyon' })).toBe(true);
    expect(two({ output_text: 'Paris', passed: true }, { output_text: 'Paris', passed: false })).toBe(true);
    expect(two({ output_text: '' }, { status: 'error', error_kind: 'timeout', output_text: '' })).toBe(true);
    // One column alone never disagrees, however its repeats differ; two agree when their repeats give the same outcomes.
    expect(build([r({ job_id: 'a', output_text: 'x' }), r({ job_id: 'b', repeat: 1, output_text: 'y' })]).tasks[0]!.disagree).toBe(false);
    const repeats = (b1: string) => build(['x', 'y'].flatMap((text, repeat) => [r({ job_id: `a${repeat}`, repeat, model: 'a', output_text: text }), r({ job_id: `b${repeat}`, repeat, model: 'b', output_text: repeat ? b1 : text })])).tasks[0]!.disagree;
    expect(repeats('y')).toBe(false);
    expect(repeats('z')).toBe(true);
  });

  it('flags failing checks (a judge error too) and errors per task', () => {
    const m = build([
      r({ job_id: '1', task_id: 'ok', passed: true, checks: [{ name: 'c', pass: true, detail: '' }] }),
      r({ job_id: '2', task_id: 'fail', passed: false, checks: [{ name: 'c', pass: false, detail: 'no' }] }),
      r({ job_id: '3', task_id: 'judge', passed: true, checks: [{ name: 'j', pass: true, detail: '', verdict: 'error', reason: 'judge timed out' }] }),
      r({ job_id: '4', task_id: 'err', status: 'error', error_kind: 'server', error_message: '500' }),
    ]);
    const flags = Object.fromEntries(m.tasks.map((t) => [t.task_id, [t.failing, t.errors]]));
    expect(flags).toEqual({ ok: [false, false], fail: [true, false], judge: [true, false], err: [false, true] });
  });

  it('reads the fields issues 8 and 9 add when rows carry them', () => {
    const m = build([
      r({
        vars: { city: 'Paris', n: 3 },
        tool_calls: [{ id: 't1', name: 'weather', arguments: { city: 'Paris' } as never }],
        judge_cost_usd: 0.0002,
        checks: [{ name: 'judge: polite', pass: false, detail: 'score below threshold', verdict: 'fail', score: 0.4, threshold: 0.7, reason: 'curt' }],
        passed: false,
      }),
    ]);
    const t = m.tasks[0]!;
    const cell = t.cells[0]![0]!;
    expect(t.vars).toEqual({ city: 'Paris', n: 3 });
    expect(cell.tool_calls).toEqual([{ id: 't1', name: 'weather', arguments: '{"city":"Paris"}' }]);
    expect(cell.judge_cost_usd).toBe(0.0002);
    expect(cell.checks[0]).toEqual({ name: 'judge: polite', pass: false, detail: 'score below threshold', verdict: 'fail', score: 0.4, threshold: 0.7, reason: 'curt' });
    // Without them: empty, null — never invented.
    const plain = build([r({})]).tasks[0]!;
    expect([plain.vars, plain.cells[0]![0]!.tool_calls, plain.cells[0]![0]!.judge_cost_usd]).toEqual([{}, [], null]);
    expect(plain.cells[0]![0]!.checks).toEqual([]);
  });

  it('cuts long answers to the limit (reasoning to half), never inside a surrogate pair, and counts the cuts', () => {
    const long = `${'a'.repeat(9)}😀tail`;
    const m = build([r({ output_text: long, reasoning_text: 'r'.repeat(20) }), r({ job_id: 'b', repeat: 1, output_text: 'short' })], { limit: 10 });
    const [cell, short] = m.tasks[0]!.cells[0]!;
    expect(cell!.output).toBe('a'.repeat(9));
    expect(cell!.output_chars).toBe(long.length);
    expect(cell!.reasoning).toBe('r'.repeat(5));
    expect(cell!.reasoning_chars).toBe(20);
    expect(short!.output).toBe('short');
    expect([m.truncated, m.limit]).toEqual([2, 10]);
    expect(build([r({ output_text: long })]).truncated).toBe(0);
  });

  it('a row kept without its text still counts for agreement', () => {
    const b = matrixBuilder();
    b.add(r({ job_id: 'a', model: 'x', output_text: 'Paris' }), false);
    b.add(r({ job_id: 'b', model: 'y', output_text: 'Lyon' }), false);
    const t = b.finish().tasks[0]!;
    expect(t.cells.map((c) => c[0]!.output)).toEqual(['', '']);
    expect(t.disagree).toBe(true);
  });

  it('shares the text budget out among the jobs, within bounds', () => {
    expect(textLimit(10_000)).toBe(TEXT_BUDGET / 10_000);
    expect(textLimit(1)).toBe(20_000);
    expect(textLimit(10_000_000)).toBe(300);
  });

  it('joins a baseline on job_id; a job only one run has gets none', () => {
    const m = build([r({ job_id: 'same', output_text: 'new words' }), r({ job_id: 'fresh', repeat: 1 })]);
    const join = baselineJoin(m, 4);
    join.add(r({ job_id: 'same', output_text: 'old words', passed: false }));
    join.add(r({ job_id: 'gone' }));
    const joined = join.finish();
    expect(joined.baseline_jobs).toBe(1);
    expect(joined.tasks[0]!.cells[0]![0]!.baseline).toEqual({ status: 'ok', passed: false, output: 'old ', output_truncated: true });
    expect(joined.tasks[0]!.cells[0]![1]!.baseline).toBeUndefined();
  });
});

describe('resolveColumn', () => {
  const cols = build([r({ job_id: '1', model: 'o/a', model_label: 'A', system_prompt_id: 'p' }), r({ job_id: '2', model: 'o/a', model_label: 'A', system_prompt_id: 'q' }), r({ job_id: '3', model: 'o/b', model_label: 'B', system_prompt_id: 'q' })]).columns;
  it('takes a number, a full name, or a label, slug or prompt that names one column', () => {
    expect(resolveColumn('2', cols)).toBe(1);
    expect(resolveColumn('A · q', cols)).toBe(1);
    expect(resolveColumn('B', cols)).toBe(2);
    expect(resolveColumn('o/b', cols)).toBe(2);
    expect(resolveColumn('p', cols)).toBe(0);
  });
  it('refuses an unknown, out-of-range or ambiguous name, listing the columns', () => {
    expect(() => resolveColumn('4', cols)).toThrow(/Column 4 does not exist[\s\S]*3\. B · q/);
    expect(() => resolveColumn('A', cols)).toThrow(/"A" names 2 columns/);
    expect(() => resolveColumn('zz', cols)).toThrow(/names no column/);
  });
});

describe('wordDiff', () => {
  it('marks removed and added words and keeps the rest', () => {
    const parts = wordDiff('The capital is Paris.', 'The capital is Lyon.')!;
    expect(parts.filter((p) => p.kind !== 'same')).toEqual([{ kind: 'removed', text: 'Paris' }, { kind: 'added', text: 'Lyon' }]);
    expect(plainDiff(parts)).toBe('The capital is [-Paris-]{+Lyon+}.');
    expect(wordDiff('same', 'same')!.every((p) => p.kind === 'same')).toBe(true);
  });
});

describe('taskChunks', () => {
  it('splits the tasks into JSON arrays: the first holds a page, the rest about 2 MB each, nothing lost', () => {
    const tasks = build(Array.from({ length: 400 }, (_, i) => r({ job_id: `j${i}`, task_id: `t${i}`, started_at: at(i), output_text: 'x'.repeat(20_000) }))).tasks;
    const chunks = taskChunks(tasks);
    const parsed = chunks.map((c) => JSON.parse(c) as unknown[]);
    expect(parsed.flat()).toEqual(JSON.parse(JSON.stringify(tasks)));
    expect(parsed[0]!.length).toBeGreaterThanOrEqual(PAGE_TASKS);
    expect(chunks[1]!.length).toBeGreaterThanOrEqual(CHUNK_CHARS.rest);
    expect(chunks[1]!.length).toBeLessThan(CHUNK_CHARS.rest + 30_000);
    expect(taskChunks([])).toEqual(['[]']);
  });
});

describe('responses.md', () => {
  const md = (m: ResponseMatrix) => [...renderResponsesMarkdown(m, { suite: 'demo', run_id: 'run-1' })].join('');

  it('reads task by task with the columns in order, verdicts, figures and fenced answers', () => {
    const m = build(
      [
        r({ job_id: '1', task_id: 'capital', model: 'o/a', model_label: 'A', system_prompt_id: 'p', output_text: 'Paris', passed: true, checks: [{ name: 'contains "Paris"', pass: true, detail: 'found' }], ttft_ms: 120, latency_ms: 900.4, cost_usd: 0.00012 }),
        r({ job_id: '2', task_id: 'capital', model: 'o/b', model_label: 'B', system_prompt_id: 'p', output_text: 'Lyon ```x```', passed: false, checks: [{ name: 'contains "Paris"', pass: false, detail: 'not found' }] }),
        r({ job_id: '3', task_id: 'later', model: 'o/a', model_label: 'A', system_prompt_id: 'p', started_at: at(9), status: 'error', error_kind: 'timeout', error_message: 'no first token after 30 s', output_text: '' }),
      ],
      { columnOrder: [{ model: 'o/a', model_label: 'A', system_prompt_id: 'p' }, { model: 'o/b', model_label: 'B', system_prompt_id: 'p' }] },
    );
    const text = md(m);
    expect(text).toMatch(/^# Responses: demo\n\nRun `run-1` · 2 task\(s\) × 2 column\(s\) · 3 job\(s\) · 1 task\(s\) with failing checks · 1 with errors/);
    const order = ['## Task `capital`', '### 1. A · p', '✅ ok · pass 1/1 · ttft 120 ms · latency 900 ms', '```text\nParis\n```', '### 2. B · p', '❌ ok · fail 0/1', '- ❌ contains "Paris": not found', '````text\nLyon ```x```\n````', '## Task `later`', '⚠️ error (timeout): no first token after 30 s'];
    let from = 0;
    for (const piece of order) {
      const found = text.indexOf(piece, from);
      expect(found, piece).toBeGreaterThanOrEqual(from);
      from = found;
    }
    expect(text).not.toContain('cut to');
  });

  it('says when answers were cut and where the full text is', () => {
    const text = md(build([r({ output_text: 'x'.repeat(50) })], { limit: 20 }));
    expect(text).toContain('1 answer(s) or reasoning trace(s) were cut to 20 characters');
    expect(text).toContain('`results.jsonl` has the full text');
    expect(text).toContain('_(cut: 20 of 50 characters)_');
  });
});
