// The response cache end to end against the simulator: a second `--cache` run sends no chat
// request (the simulator's own log says so), its rows are marked and cost $0, its timing is in
// no statistic, and the money adds up; `refresh` sends again, `read` stores nothing, `write`
// keeps what is there; a corrupt entry is a miss and a warning; repeats keep their own answers
// unless cache_repeats; a hit reserves no budget; nothing secret lands on disk.
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite, type RunOptions } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-cache-e2e-key-0123456789abcdef';

const suite = (tasks: string[], extra = '') =>
  `name: cached\nmodels: [openai/gpt-4o-mini, mock/echo]\ntasks:\n${tasks.map((t) => `  - { id: ${t}, prompt: "question ${t}" }`).join('\n')}\nparams: { max_tokens: 20 }\nrepeats: 2\nchecks: [{ max_latency_ms: 60000 }]\n${extra}`;

let server: MockServer;
let ws: Workspace;
let n = 0;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 15, itlMs: 2, tokens: 8, generationDelayMs: 20 });
});
afterAll(() => server.close());
beforeEach(async () => void (ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG })));
afterEach(() => ws.cleanup());

const cacheDir = () => ws.path('cache/responses');

async function run(suiteText: string, options: Partial<RunOptions> = {}) {
  await ws.write('suite.yaml', suiteText);
  const out = `out${++n}`;
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
  const before = server.requests.length;
  const report = await runSuite({ suitePath: 'suite.yaml', out, history: false, cache: true, ...options }, env);
  const rows = await readResults(ws.path(out));
  return { report, rows, sent: server.requests.length - before, err: env.err(), out: env.out(), summary: await readJson(ws.path(`${out}/summary.json`)) };
}

async function entries(): Promise<string[]> {
  const shards = await readdir(cacheDir()).catch(() => []);
  const files = await Promise.all(shards.map(async (s) => (await readdir(join(cacheDir(), s))).map((f) => join(cacheDir(), s, f))));
  return files.flat().sort();
}

const byJob = (rows: JobResult[]) => new Map(rows.map((r) => [r.job_id, r]));

describe('a second --cache run', () => {
  it('sends no chat request and marks every row; its timing is in no statistic and the costs add up', async () => {
    const first = await run(suite(['a', 'b', 'c']));
    expect(first.sent).toBe(12);
    expect(first.rows.every((r) => r.cache_hit === false && r.cost_source === 'generation')).toBe(true);
    // One entry per job: two repeats are two answers.
    expect(await entries()).toHaveLength(12);

    const second = await run(suite(['a', 'b', 'c']));
    expect(second.sent).toBe(0);
    expect(second.report).toMatchObject({ status: 'ok', exitCode: 0 });
    const before = byJob(first.rows);
    for (const hit of second.rows) {
      const orig = before.get(hit.job_id)!;
      expect(hit).toMatchObject({
        status: 'ok',
        cache_hit: true,
        attempts: 0,
        output_text: orig.output_text,
        ttft_ms: null,
        ttfc_ms: null,
        latency_ms: null,
        itl_ms: null,
        output_tps: null,
        cached_ttft_ms: orig.ttft_ms,
        cached_latency_ms: orig.latency_ms,
        cached_output_tps: orig.output_tps,
        cached_started_at: orig.started_at,
        cost_usd: 0,
        cost_source: 'cache',
        cost_cached_usd: orig.cost_usd,
        native_tokens_completion: orig.native_tokens_completion,
        // Only a speed check: no verdict on the answer, and a cache hit is never judged against the SLO.
        passed: null,
        slo_met: null,
      });
      expect(hit.checks[0]!.detail).toMatch(/^cached latency \d/);
    }
    const all = second.summary.overall;
    expect(all).toMatchObject({ n: 12, ok: 12, cached: 12, cost_usd: 0, native_tokens_prompt: null });
    expect(all.cost_cached_usd).toBeCloseTo(first.summary.overall.cost_usd, 12);
    for (const metric of ['ttft_ms', 'ttfc_ms', 'latency_ms', 'itl_ms', 'output_tps']) expect(all[metric].n, metric).toBe(0);
    expect(second.out).toMatch(/cached/);
    expect(second.out).toMatch(/^cached 12\/12: answered from the response cache/m);
    // Estimate vs actual covers the jobs sent: none.
    expect(second.summary.estimate).toMatchObject({ jobs: 0, actual_usd: 0 });

    // A new task among cached ones: only its jobs are sent, and only they are timed and billed.
    const third = await run(suite(['a', 'b', 'c', 'd']));
    expect(third.sent).toBe(4);
    const fresh = third.rows.filter((r) => !r.cache_hit);
    expect(fresh.map((r) => r.task_id)).toEqual(['d', 'd', 'd', 'd']);
    expect(third.summary.overall).toMatchObject({ n: 16, cached: 12 });
    expect(third.summary.overall.latency_ms.n).toBe(4);
    expect(third.summary.overall.latency_ms.max).toBe(Math.max(...fresh.map((r) => r.latency_ms!)));
    expect(third.summary.overall.cost_usd).toBeCloseTo(fresh.reduce((s, r) => s + r.cost_usd!, 0), 12);
    expect(third.summary.overall.native_tokens_completion).toBe(fresh.reduce((s, r) => s + r.native_tokens_completion!, 0));
    expect(third.summary.estimate.jobs).toBe(4);
    expect(third.out).toMatch(/cached/);
  });

  it('refresh sends every job again and replaces the entries; read stores nothing; write keeps what is there', async () => {
    await run(suite(['a']));
    const [file] = await entries();
    const stored = JSON.parse(await readFile(file!, 'utf8')).stored_at;

    const refreshed = await run(suite(['a']), { cacheMode: 'refresh' });
    expect(refreshed.sent).toBe(4);
    expect(refreshed.rows.every((r) => !r.cache_hit)).toBe(true);
    expect(JSON.parse(await readFile(file!, 'utf8')).stored_at > stored).toBe(true);

    const read = await run(suite(['a', 'b']), { cacheMode: 'read' });
    expect(read.sent).toBe(4);
    expect(read.rows.filter((r) => r.cache_hit)).toHaveLength(4);
    expect(await entries()).toHaveLength(4);

    const before = await readFile(file!, 'utf8');
    const written = await run(suite(['a', 'b']), { cacheMode: 'write' });
    expect(written.sent).toBe(8);
    expect(written.rows.every((r) => !r.cache_hit)).toBe(true);
    expect(await entries()).toHaveLength(8);
    expect(await readFile(file!, 'utf8')).toBe(before);
  });

  it('without --cache nothing is read or written', async () => {
    await run(suite(['a']));
    const off = await run(suite(['a']), { cache: false });
    expect(off.sent).toBe(4);
    expect(off.rows.every((r) => r.cache_hit === false && r.cached_latency_ms === null && r.cost_cached_usd === null)).toBe(true);
    expect(off.summary.overall.cached).toBe(0);
    expect(off.out).not.toMatch(/cached/);
  });
});

describe('a corrupt entry', () => {
  it('is a miss and a warning, never a crash; the new answer replaces it', async () => {
    await run(suite(['a']));
    const files = await entries();
    await writeFile(files[0]!, (await readFile(files[0]!, 'utf8')).slice(0, 50));
    await writeFile(files[1]!, '');
    const again = await run(suite(['a']));
    expect(again.report.exitCode).toBe(0);
    expect(again.sent).toBe(2);
    expect(again.rows.filter((r) => r.cache_hit)).toHaveLength(2);
    expect(again.err).toContain(`response cache: ${files[0]} is not JSON`);
    expect(again.err).toContain('a miss, and the new answer replaces it');
    const healed = await run(suite(['a']));
    expect(healed.sent).toBe(0);
  });
});

describe('repeats', () => {
  it('share one cached answer only with cache_repeats: true', async () => {
    const once = `name: reps\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: a, prompt: hello }]\nparams: { max_tokens: 20 }\n`;
    await run(once);
    const thrice = (await run(once.replace('params:', 'repeats: 3\nparams:'))).sent;
    // Repeat 0 is cached; repeats 1 and 2 measure variance, so they are sent.
    expect(thrice).toBe(2);
    const shared = await run(once.replace('params:', 'repeats: 5\ncache_repeats: true\nparams:'));
    expect(shared.sent).toBe(0);
    expect(new Set(shared.rows.map((r) => r.output_text)).size).toBe(1);
  });
});

describe('interactions', () => {
  it('a hit reserves no budget: a cap smaller than one worst case still runs a cached suite', async () => {
    await run(suite(['a']));
    const capped = await run(suite(['a']), { maxCost: 0.0000001 });
    expect(capped.report).toMatchObject({ status: 'ok', exitCode: 0 });
    expect(capped.rows.every((r) => r.cache_hit && r.status === 'ok')).toBe(true);
  });

  it('answers a non-streamed job from the cache too, keyed apart from the streamed one', async () => {
    await run(suite(['a']));
    const whole = await run(suite(['a']), { stream: false });
    expect(whole.sent).toBe(4);
    const hit = await run(suite(['a']), { stream: false });
    expect(hit.sent).toBe(0);
    expect(hit.rows.every((r) => r.stream === false && r.cache_hit)).toBe(true);
  });

  it('--mock runs share entries across runs, though the simulator port changes', async () => {
    await ws.write('suite.yaml', suite(['a']));
    const env = () => memoryEnv({ cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    const fast = { ttftMs: 2, itlMs: 1, generationDelayMs: 5 };
    await runSuite({ suitePath: 'suite.yaml', out: 'm1', mock: true, mockOptions: fast, history: false, cache: true }, env());
    await runSuite({ suitePath: 'suite.yaml', out: 'm2', mock: true, mockOptions: fast, history: false, cache: true }, env());
    expect((await readResults(ws.path('m2'))).every((r) => r.cache_hit)).toBe(true);
  });

  it('stores no key and no request: only answers, in files only their owner can read', async () => {
    // mock/echo answers with the prompt: an endpoint echoing the key into an answer.
    await run(`name: echo\nmodels: [mock/echo, openai/gpt-4o-mini]\ntasks: [{ id: a, prompt: "the key is ${KEY}" }]\nparams: { max_tokens: 40, temperature: 0.3 }\n`);
    const files = await entries();
    expect(files).toHaveLength(2);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toMatch(/max_tokens|temperature|messages/);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect(files.map((f) => JSON.parse(readFileSync(f, 'utf8')).answer.output_text)).toContain('the key is [REDACTED]');
    expect((await stat(cacheDir())).mode & 0o777).toBe(0o700);
  });

  it('an unusable --cache-dir stops the run before anything is sent (exit 2)', async () => {
    await ws.write('blocker', 'a file, not a folder');
    await expect(run(suite(['a']), { cacheDir: 'blocker/responses' })).rejects.toThrow(/Cannot use the response cache folder .*blocker\/responses/);
  });
});

describe('agent-lab cache info | clear', () => {
  it('says what the cache holds, and clears it by age', async () => {
    await run(suite(['a']));
    const env = { AGENT_LAB_CACHE_DIR: ws.path('cache') };
    const info = await runCli(['cache', 'info', '--json'], { cwd: ws.dir, env });
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ dir: cacheDir(), exists: true, entries: 4, temp_files: 0 });
    const text = await runCli(['cache', 'info'], { cwd: ws.dir, env });
    expect(text.stdout).toMatch(/^response cache: .*\nentries: 4 \(/);
    const young = await runCli(['cache', 'clear', '--older-than', '1d'], { cwd: ws.dir, env });
    expect(young.stdout).toMatch(/^removed 0 entries .*; kept 4 newer/);
    const bad = await runCli(['cache', 'clear', '--older-than', 'a week'], { cwd: ws.dir, env });
    expect(bad.code).toBe(2);
    const all = await runCli(['cache', 'clear', '--cache-dir', 'cache/responses'], { cwd: ws.dir });
    expect(all.stdout).toMatch(/^removed 4 entries/);
    expect(await entries()).toHaveLength(0);
  });
});
