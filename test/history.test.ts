// The history file for cron: one line per run, appended at the end of `run`, read back and
// filtered by `agent-lab history`.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../src/stats/aggregate.js';
import { memoryEnv } from '../src/env.js';
import { appendHistory, filterHistory, historyEntry, readHistory, type HistoryEntry } from '../src/history/history.js';
import { renderHistoryTable } from '../src/history/table.js';
import { runSuite } from '../src/run/index.js';
import { runCli } from './helpers/cli.js';
import { readJson, readJsonl } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const suite = (name: string) => `
name: ${name}
models: [mock/echo, meta-llama/llama-3.1-8b-instruct]
tasks:
  - { id: a, prompt: "one two three", checks: [{ contains: two }] }
  - { id: b, prompt: "four five" }
`;

let ws: Workspace;

beforeAll(async () => {
  ws = await workspace({ 'nightly.yaml': suite('nightly'), 'other.yaml': suite('other'), 'agent-lab.config.yaml': FAST_CONFIG });
  const fast = { ttftMs: 5, itlMs: 1 };
  const run = (suitePath: string, out: string, extra: Record<string, unknown> = {}) =>
    runSuite({ suitePath, out, mock: true, mockOptions: fast, ...extra }, memoryEnv({ cwd: ws.dir }));
  await run('nightly.yaml', 'n1');
  await run('other.yaml', 'o1');
  await run('nightly.yaml', 'n2', { mockOptions: { ...fast, fault: 'cost_mismatch' } });
  await run('nightly.yaml', 'skip', { history: false });
  await run('nightly.yaml', 'custom', { history: 'elsewhere/h.jsonl' });
}, 60_000);

afterAll(async () => {
  await ws.cleanup();
});

const cli = (args: string[]) => runCli(args, { cwd: ws.dir });

describe('run appends to the history', () => {
  it('writes one line per run to results/history.jsonl, with what a trend needs', async () => {
    const entries = await readJsonl<HistoryEntry>(ws.path('results/history.jsonl'));
    expect(entries).toHaveLength(3);
    expect(entries.map((e) => [e.suite, e.dir])).toEqual([['nightly', '../n1'], ['other', '../o1'], ['nightly', '../n2']]);
    const summary = await readJson(ws.path('n1/summary.json'));
    const run = await readJson(ws.path('n1/run.json'));
    const e = entries[0]!;
    expect(e).toMatchObject({ run_id: summary.run_id, time: summary.finished_at, suite_sha256: run.suite.sha256, status: 'ok', mock: true });
    expect(e.groups).toHaveLength(2);
    const g = e.groups.find((x) => x.model === 'mock/echo')!;
    const s = summary.groups.find((x: { model: string }) => x.model === 'mock/echo');
    expect(g).toEqual({
      model: 'mock/echo',
      model_label: 'mock/echo',
      system_prompt_id: 'default',
      n: 2,
      ok: 2,
      errors: 0,
      pass_rate: 1,
      latency_p50_ms: s.latency_ms.p50,
      latency_p95_ms: s.latency_ms.p95,
      ttft_p50_ms: s.ttft_ms.p50,
      native_tokens_prompt: s.native_tokens_prompt,
      native_tokens_completion: s.native_tokens_completion,
      cost_usd: s.cost_usd,
      cost_pending: 0,
      // for the metrics export
      ttft_p90_ms: s.ttft_ms.p90,
      ttft_p95_ms: s.ttft_ms.p95,
      ttft_p99_ms: s.ttft_ms.p99,
      latency_p90_ms: s.latency_ms.p90,
      latency_p99_ms: s.latency_ms.p99,
      output_tps_p50: s.output_tps.p50,
      native_tokens_reasoning: s.native_tokens_reasoning,
      providers: s.providers,
      cached: 0,
      slo_met_rate: null,
    });
  });

  it('--no-history skips it and --history FILE goes elsewhere', async () => {
    expect((await readHistory(ws.path('results/history.jsonl'))).some((e) => e.dir === '../skip')).toBe(false);
    const custom = await readHistory(ws.path('elsewhere/h.jsonl'));
    expect(custom.map((e) => e.dir)).toEqual(['../custom']);
  });

  it('keeps every line whole when many runs append at once', async () => {
    const file = ws.path('race/history.jsonl');
    const big = (i: number): HistoryEntry => ({ ...historyEntry(summarize([row()], { run_id: `r${i}`, suite: 's', started_at: 'a', finished_at: `t${i}`, status: 'ok' }), { suite_sha256: 'x'.repeat(5000), dir: 'd', mock: false }) });
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendHistory(file, big(i))));
    // A line interleaved with another would not parse.
    const entries = await readJsonl<HistoryEntry>(file);
    expect(entries).toHaveLength(40);
    expect(new Set(entries.map((e) => e.run_id)).size).toBe(40);
  });
});

describe('reading the history', () => {
  const entry = (run_id: string, time: string, suite: string, models: string[]): HistoryEntry =>
    historyEntry(summarize(models.map((m, i) => row({ job_id: `${run_id}${i}`, model: m, model_label: m, cost_usd: 0.01 })), { run_id, suite, started_at: time, finished_at: time, status: 'ok' }), { suite_sha256: null, dir: run_id, mock: false });

  it('skips torn lines and keeps the last line of a resumed run', async () => {
    const file = ws.path('torn.jsonl');
    const a = entry('a', '2026-11-01T06:00:00.000Z', 's', ['m/x']);
    const b = entry('b', '2026-11-02T06:00:00.000Z', 's', ['m/x']);
    const a2 = { ...a, time: '2026-11-03T06:00:00.000Z', status: 'ok' as const };
    await writeFile(file, `${JSON.stringify(a)}\n{"run_id": "half\n${JSON.stringify(b)}\n${JSON.stringify(a2)}\n`);
    expect((await readHistory(file)).map((e) => [e.run_id, e.time])).toEqual([['b', b.time], ['a', a2.time]]);
  });

  it('filters by suite, model (slug or label) and time', () => {
    const all = [entry('a', '2026-11-01T06:00:00.000Z', 's', ['m/x', 'm/y']), entry('b', '2026-11-02T06:00:00.000Z', 't', ['m/x']), entry('c', '2026-11-03T06:00:00.000Z', 's', ['m/y'])];
    expect(filterHistory(all, { suite: 's' }).map((e) => e.run_id)).toEqual(['a', 'c']);
    expect(filterHistory(all, { model: 'm/x' }).map((e) => [e.run_id, e.groups.length])).toEqual([['a', 1], ['b', 1]]);
    expect(filterHistory(all, { since: new Date('2026-11-02') }).map((e) => e.run_id)).toEqual(['b', 'c']);
  });

  it('shows the change against the same group\'s previous run', () => {
    const one = entry('a', '2026-11-01T06:00:00.000Z', 's', ['m/x']);
    const two = { ...entry('b', '2026-11-02T06:00:00.000Z', 's', ['m/x']) };
    two.groups = two.groups.map((g) => ({ ...g, cost_usd: 0.015 }));
    const table = renderHistoryTable([one, two]);
    const lines = table.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/0\.0100\s+0\.0100\s+-$/);
    expect(lines[3]).toMatch(/0\.0150\s+0\.0150\s+\+50%$/);
  });
});

describe('agent-lab history', () => {
  it('prints the trend table, filtered', async () => {
    const r = await cli(['history', '--suite', 'nightly', '--model', 'mock/echo']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2 + 2);
    expect(lines.slice(2).every((l) => /\(mock\)\s+nightly\s+mock\/echo\s+default\s+2\/2\s+100%/.test(l))).toBe(true);
  });

  it('--json gives the entries; cost_mismatch shows as a doubled cost', async () => {
    const r = await cli(['history', '--suite', 'nightly', '--model', 'meta-llama/llama-3.1-8b-instruct', '--json']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as HistoryEntry[];
    expect(entries).toHaveLength(2);
    expect(entries[1]!.groups[0]!.cost_usd! / entries[0]!.groups[0]!.cost_usd!).toBeCloseTo(2, 6);
    const since = await cli(['history', '--since', entries[1]!.time, '--json']);
    expect((JSON.parse(since.stdout) as HistoryEntry[]).map((e) => e.run_id)).toEqual([entries[1]!.run_id]);
  });

  it('rejects a bad --since with exit 2, and --history FILE reads another file', async () => {
    const bad = await cli(['history', '--since', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Expected `--since` to be a date/);
    const other = await cli(['history', '--history', 'elsewhere/h.jsonl', '--json']);
    expect((JSON.parse(other.stdout) as HistoryEntry[]).map((e) => e.dir)).toEqual(['../custom']);
    expect(existsSync(ws.path('elsewhere/h.jsonl'))).toBe(true);
  });
});
