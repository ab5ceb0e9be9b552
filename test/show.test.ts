import type { JobResult } from '../src/types/result.js';
// `agent-lab show DIR`: each mode piped (the built CLI, plain text) and on a terminal (an Env
// whose stdout is a TTY, and once a real pseudo-terminal through util-linux's `script`).
import { spawnSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runShowCommand, type ShowOptions } from '../src/responses/command.js';
import { summarize } from '../src/stats/aggregate.js';
import type { ResponseRow } from '../src/types/responses.js';
import { CLI, runCli } from './helpers/cli.js';
import { row as jobRow } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const A = { model: 'o/a', model_label: 'A', system_prompt_id: 'p' };
const B = { model: 'o/b', model_label: 'B', system_prompt_id: 'p' };
const paris = { name: 'contains "Paris"', pass: true, detail: 'found' };
const noParis = { name: 'contains "Paris"', pass: false, detail: 'not found in "The capital is Lyon."' };

/** A whole row with the fields issues 8 and 9 add. */
const row = (o: Partial<ResponseRow>): ResponseRow => jobRow(o);

const ROWS: ResponseRow[] = [
  ...[0, 1].flatMap((repeat) => [
    row({ ...A, job_id: `ca${repeat}`, task_id: 'capital', repeat, started_at: at(repeat), vars: { country: 'France' }, output_text: 'The capital is Paris.', checks: [paris], passed: true, ttft_ms: 120, latency_ms: 900 }),
    row({ ...B, job_id: `cb${repeat}`, task_id: 'capital', repeat, started_at: at(repeat), vars: { country: 'France' }, output_text: 'The capital is Lyon.', checks: [noParis], passed: false }),
  ]),
  row({ ...A, job_id: 'sa', task_id: 'sum', started_at: at(5), output_text: '4' }),
  row({ ...B, job_id: 'sb', task_id: 'sum', started_at: at(5), status: 'error', error_kind: 'timeout', error_message: 'no first token after 30 s', output_text: '', http_status: null }),
  row({
    ...A, job_id: 'ta', task_id: 'tool', started_at: at(9), output_text: 'Sunny.', reasoning_text: 'Call the weather tool first.', passed: true,
    tool_calls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' }],
    checks: [{ name: 'judge: helpful', pass: true, detail: 'judged', verdict: 'pass', score: 0.9, threshold: 0.7, reason: 'answers the question' }],
  }),
  row({ ...B, job_id: 'tb', task_id: 'tool', started_at: at(9), output_text: 'Sunny.', passed: true, checks: [{ name: 'judge: helpful', pass: true, detail: 'judged', verdict: 'pass', score: 0.8, threshold: 0.7, reason: 'fine' }] }),
];

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
  await ws.write('run/results.jsonl', ROWS.map((x) => `${JSON.stringify(x)}\n`).join(''));
  const summary = summarize(ROWS as unknown as JobResult[], { run_id: 'r', suite: 's', started_at: 'a', finished_at: 'b', status: 'ok' });
  await ws.write('run/summary.json', JSON.stringify(summary));
});
afterAll(async () => {
  await ws.cleanup();
});

const piped = (...args: string[]) => runCli(['show', 'run', ...args], { cwd: ws.dir });
async function tty(opts: Omit<ShowOptions, 'dir'>, env: Record<string, string> = {}) {
  const e = memoryEnv({ cwd: ws.dir, env });
  e.stdout.isTTY = true;
  const code = await runShowCommand({ dir: 'run', ...opts }, e);
  return { code, stdout: e.out() };
}
const ESC = '\u001b[';
const plain = (text: string) => text.replace(/\u001b\[\d+m/g, '');
/** Each piece is found after the one before it. */
function inOrder(text: string, pieces: string[]): void {
  let from = 0;
  for (const piece of pieces) {
    const found = text.indexOf(piece, from);
    expect(found, `"${piece}" after position ${from}`).toBeGreaterThanOrEqual(from);
    from = found + piece.length;
  }
}

describe('agent-lab show', () => {
  it('DIR alone: the columns numbered and one mark per repeat per cell, plain when piped', async () => {
    const r = await piped();
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    inOrder(r.stdout, ['run: 3 task(s) × 2 column(s), 8 job(s) · 1 with failing checks · 1 with errors · 2 where the columns disagree', '1. A · p', '2. B · p']);
    expect(r.stdout).toMatch(/^capital\s+✓✓\s+✗✗\s+disagree$/m);
    expect(r.stdout).toMatch(/^sum\s+·\s+E\s+disagree$/m);
    expect(r.stdout).toMatch(/^tool\s+✓\s+✓\s*$/m);
  });

  it('--task ID: every column\'s answers one under the other, with verdicts, checks, tool calls, reasoning and figures', async () => {
    const r = await piped('--task', 'capital');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(ESC);
    inOrder(r.stdout, [
      'task capital · vars: country=France · the columns disagree',
      '── 1. A · p · repeat 1 of 2', 'ok · pass 1/1 · ttft 120 ms · latency 900 ms · tokens 12 → 6 · $0.0010', '  ✓ contains "Paris": found', 'The capital is Paris.',
      '── 1. A · p · repeat 2 of 2', 'The capital is Paris.',
      '── 2. B · p · repeat 1 of 2', 'ok · fail 0/1', '  ✗ contains "Paris": not found in "The capital is Lyon."', 'The capital is Lyon.',
      '── 2. B · p · repeat 2 of 2',
    ]);
    const tool = await piped('--task', 'tool');
    inOrder(tool.stdout, ['── 1. A · p', '  ✓ judge: helpful: judged · score 0.9 (threshold 0.7) · answers the question', '  tool call: weather({"city":"Paris"})', 'reasoning (28 characters):', 'Call the weather tool first.', 'Sunny.', '── 2. B · p']);
    const sum = await piped('--task', 'sum');
    expect(sum.stdout).toContain('── 2. B · p\nerror (timeout): no first token after 30 s · ttft 100 ms');
  });

  it('--task on a terminal: the same text, coloured (failed red, passed green)', async () => {
    const r = await tty({ task: 'capital' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ESC}31m  ✗ contains "Paris": not found`);
    expect(r.stdout).toContain(`${ESC}32m  ✓ contains "Paris": found`);
    expect(plain(r.stdout)).toBe((await piped('--task', 'capital')).stdout);
    // NO_COLOR is honoured even on a terminal.
    expect((await tty({ task: 'capital' }, { NO_COLOR: '1' })).stdout).not.toContain(ESC);
  });

  it('--failed: the failing cells and why; coloured on a terminal', async () => {
    const r = await piped('--failed');
    expect(r.code).toBe(0);
    inOrder(r.stdout, [
      'capital · 2. B · p · repeat 1 of 2\n  ✗ contains "Paris": not found',
      'capital · 2. B · p · repeat 2 of 2\n  ✗ contains "Paris": not found',
      'sum · 2. B · p\n  error (timeout): no first token after 30 s',
      '3 failing cell(s) in 2 task(s)',
    ]);
    expect(r.stdout).not.toContain('1. A · p');
    const t = await tty({ failed: true });
    expect(t.stdout).toContain(`${ESC}33m  error (timeout)`);
    expect(plain(t.stdout)).toBe(r.stdout);
    const one = await piped('--failed', '--task', 'sum');
    expect(one.stdout).toMatch(/^sum · 2\. B · p\n {2}error \(timeout\)[^\n]*\n\n1 failing cell\(s\) in 1 task\(s\)\n$/);
  });

  it('--diff A B: word diffs task by task, git markers when piped, colour on a terminal', async () => {
    const r = await piped('--diff', '1', '2');
    expect(r.code).toBe(0);
    inOrder(r.stdout, [
      'word diff: 1. A · p → 2. B · p ([-removed-] {+added+})',
      '── task capital · repeat 1 of 2\nThe capital is [-Paris-]{+Lyon+}.',
      '── task capital · repeat 2 of 2\nThe capital is [-Paris-]{+Lyon+}.',
      '── task sum\nok → error (timeout): no first token after 30 s',
      '── task tool\n(same answer)',
    ]);
    // Columns by name too, and one task only.
    const named = await piped('--diff', 'A', 'B · p', '--task', 'capital');
    expect(named.stdout).toContain('The capital is [-Paris-]{+Lyon+}.');
    expect(named.stdout).not.toContain('task sum');
    const t = await tty({ diff: ['1', '2'], task: 'capital' });
    expect(t.stdout).toContain(`The capital is ${ESC}31m${ESC}9mParis${ESC}29m${ESC}39m${ESC}32m${ESC}4mLyon${ESC}24m${ESC}39m.`);
    expect(t.stdout).not.toContain('[-');
  });

  it('--json: each mode as data', async () => {
    const all = JSON.parse((await piped('--json')).stdout);
    expect(all.columns.map((c: { name: string }) => c.name)).toEqual(['A · p', 'B · p']);
    expect(all.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(['capital', 'sum', 'tool']);
    expect(all.tasks[0].cells[1][0].output).toBe('The capital is Lyon.');
    const task = JSON.parse((await piped('--task', 'tool', '--json')).stdout);
    expect(task.task.cells[0][0]).toMatchObject({ output: 'Sunny.', reasoning: 'Call the weather tool first.', tool_calls: [{ name: 'weather' }] });
    const failed = JSON.parse((await piped('--failed', '--json')).stdout);
    expect(failed.failed.map((f: { task_id: string; column: number; repeat: number }) => [f.task_id, f.column, f.repeat])).toEqual([['capital', 2, 1], ['capital', 2, 2], ['sum', 2, 1]]);
    expect(failed.failed[0].cell.checks[0].pass).toBe(false);
    const diff = JSON.parse((await piped('--diff', '1', '2', '--task', 'capital', '--json')).stdout);
    expect(diff.a).toMatchObject({ number: 1, name: 'A · p' });
    expect(diff.diffs[0].parts.filter((p: { kind: string }) => p.kind !== 'same')).toEqual([{ kind: 'removed', text: 'Paris' }, { kind: 'added', text: 'Lyon' }]);
    expect(diff.diffs[0]).toMatchObject({ task_id: 'capital', repeat: 1, a_job_id: 'ca0', b_job_id: 'cb0' });
    // --json is data, never coloured, even on a terminal.
    expect((await tty({ json: true, task: 'capital' })).stdout).not.toContain(ESC);
  });

  it('refuses what it cannot show with exit 2 and a sentence', async () => {
    const cases: [string[], RegExp][] = [
      [['--task', 'nope'], /No task "nope" in this run\. Tasks: capital, sum, tool/],
      [['--diff', '1'], /`--diff` takes two columns/],
      [['--diff', '1', '1'], /two different columns/],
      [['--diff', '1', '9'], /Column 9 does not exist/],
      [['--diff', '1', '2', '--failed'], /`--diff` or `--failed`, not both/],
    ];
    for (const [args, message] of cases) {
      const r = await piped(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const empty = await runCli(['show', '.'], { cwd: ws.dir });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/\. has no results\.jsonl/);
  });

  it('reads a run still in progress: the last line of a job wins', async () => {
    await ws.write('live/results.jsonl', ROWS.slice(0, 2).map((x) => `${JSON.stringify(x)}\n`).join(''));
    await appendFile(ws.path('live/results.jsonl'), `${JSON.stringify({ ...ROWS[0], output_text: 'Retried: Paris.' })}\n`);
    const r = await runCli(['show', 'live', '--task', 'capital'], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Retried: Paris.');
    expect(r.stdout).not.toContain('The capital is Paris.');
  });

  it('colours by itself on a real terminal (a pseudo-terminal from util-linux script)', async () => {
    const probe = spawnSync('script', ['--version']);
    if (probe.status !== 0) return void console.warn('show.test.ts: `script` (util-linux) not found; the real-terminal case is covered by the Env TTY cases');
    const command = `${process.execPath} ${CLI} show run --diff 1 2 --task capital`;
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ws.dir, encoding: 'utf8', env: { PATH: process.env.PATH! } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${ESC}31m${ESC}9mParis`);
  });
});

