// Sharding: --shard i/n partitions the matrix exactly, and `agent-lab merge` of shards 1/3..3/3
// run against the simulator gives the summary of the same jobs run unsharded (timings aside,
// which differ run to run). Gaps and overlaps are reported.
import Big from 'big.js';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../src/ci/merge.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { coverage, parseShard, shardJobs, type MergePart } from '../src/ci/shard.js';
import type { GroupSummary, RunSummary } from '../src/types/summary.js';
import type { Job } from '../src/types/job.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const fakeJobs = (n: number, models = 1): Job[] =>
  Array.from({ length: n }, (_, i) => ({ job_id: `${((i * 2654435761) >>> 0).toString(16).padStart(16, '0')}`, index: i, model: `m${i % models}` }) as unknown as Job);

describe('shardJobs', () => {
  it.each([1, 2, 5, 12, 13, 100])('partitions %i jobs exactly for every n, sizes within one of each other', (size) => {
    const jobs = fakeJobs(size);
    for (let count = 1; count <= 7; count++) {
      const shards = Array.from({ length: count }, (_, i) => shardJobs(jobs, { index: i + 1, count }));
      const ids = shards.flatMap((s) => s.map((j) => j.job_id));
      expect(ids.sort()).toEqual(jobs.map((j) => j.job_id).sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      // Each shard keeps matrix order.
      for (const s of shards) expect(s.map((j) => j.index)).toEqual([...s.map((j) => j.index)].sort((a, b) => a - b));
    }
  });

  it('is deterministic and does not put one model on one shard when the count of models divides n', () => {
    const jobs = fakeJobs(30, 3);
    expect(shardJobs(jobs, { index: 2, count: 3 })).toEqual(shardJobs([...jobs], { index: 2, count: 3 }));
    for (let i = 1; i <= 3; i++) expect(new Set(shardJobs(jobs, { index: i, count: 3 }).map((j) => j.model)).size).toBeGreaterThan(1);
  });

  it('parseShard accepts i/n and refuses the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/3', '4/3', '1/0', '1', 'a/b', '1/2/3', '-1/2']) expect(() => parseShard(bad)).toThrow(/i\/n with 1 ≤ i ≤ n/);
  });
});

describe('coverage', () => {
  const part = (dir: string, index: number | null, ids: string[], rows = ids, count = 3): MergePart => ({ dir, matrix_size: 6, shard: index === null ? null : { index, count, job_ids: ids }, row_ids: rows });
  it('is complete when the shards cover the matrix once', () => {
    const c = coverage([part('a', 1, ['1', '2']), part('b', 2, ['3', '4']), part('c', 3, ['5', '6'])]);
    expect(c).toMatchObject({ covered: 6, missing: 0, missing_shards: [], missing_job_ids: [], overlaps: [], problems: [] });
  });
  it('names a missing shard and the jobs a shard has no row for', () => {
    const c = coverage([part('a', 1, ['1', '2'], ['1']), part('c', 3, ['5', '6'])]);
    expect(c).toMatchObject({ covered: 3, missing: 3, missing_shards: ['2/3'], missing_job_ids: ['2'] });
  });
  it('reports overlaps, the same shard twice and different shard counts', () => {
    expect(coverage([part('a', 1, ['1', '2']), part('full', null, ['1', '2', '3', '4', '5', '6'])]).overlaps).toEqual([
      { job_id: '1', dirs: ['a', 'full'] },
      { job_id: '2', dirs: ['a', 'full'] },
    ]);
    expect(coverage([part('a', 1, ['1']), part('b', 1, ['2'])]).problems).toEqual(['shard 1/3 is given twice: a and b']);
    expect(coverage([part('a', 1, ['1']), part('b', 2, ['2'], ['2'], 4)]).problems[0]).toMatch(/different shard counts/);
  });
});

describe('shards 1/3..3/3 against the simulator, merged', () => {
  const KEY = 'sk-or-v1-shard-test-key-0123456789abc';
  let server: MockServer;
  let ws: Workspace;
  const SUITE = `
name: sharded
models: [openai/gpt-4o-mini, { id: meta-llama/llama-3.1-8b-instruct, label: llama }]
system_prompts: { terse: Be terse., none: '' }
tasks:
  - id: right
    prompt: 'Capital? [[mock: reply="Canberra."]]'
    checks: [{ icontains: canberra }]
  - id: wrong
    prompt: 'Capital? [[mock: reply="Sydney."]]'
    checks: [{ icontains: canberra }]
  - id: free
    prompt: Tell me a fact.
    checks: [{ max_tokens: 1000 }]
repeats: 2
concurrency: 4
`;
  const env = () => memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
  const run = (out: string, shard?: { index: number; count: number }) => runSuite({ suitePath: 'suite.yaml', out, shard, history: false }, env());
  let full: RunSummary;

  beforeAll(async () => {
    server = await startMockServer({ apiKey: KEY, ttftMs: 3, itlMs: 1, generationDelayMs: 10 });
    ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG, 'other.yaml': SUITE.replace('name: sharded', 'name: other') });
    full = (await run('full')).summary;
    for (let i = 1; i <= 3; i++) await run(`s${i}`, { index: i, count: 3 });
  });
  afterAll(async () => {
    await server.close();
    await ws.cleanup();
  });

  const rowsOf = (dir: string) => readResults(ws.path(dir));
  /** What must agree between a merged and an unsharded run: everything but timings. */
  const comparable = (g: GroupSummary) => ({
    key: `${g.model}/${g.system_prompt_id}`,
    ...Object.fromEntries((['n', 'ok', 'errors', 'skipped', 'checked', 'passed', 'pass_rate', 'pass_rate_ci95', 'native_tokens_prompt', 'native_tokens_completion', 'cost_usd', 'cost_pending', 'spent_usd', 'error_kinds'] as const).map((k) => [k, g[k]])),
    latency_n: g.latency_ms.n,
  });
  const byKey = (s: RunSummary) => s.groups.map(comparable).sort((a, b) => (a.key < b.key ? -1 : 1));

  it('each shard runs its slice, and run.json records the shard, its job ids and the whole matrix size', async () => {
    const sizes = [];
    for (let i = 1; i <= 3; i++) {
      const info = await readJson(ws.path(`s${i}/run.json`));
      expect(info.matrix_size).toBe(24);
      expect(info.shard).toMatchObject({ index: i, count: 3 });
      expect((await rowsOf(`s${i}`)).map((r) => r.job_id).sort()).toEqual([...info.shard.job_ids].sort());
      sizes.push(info.shard.job_ids.length);
    }
    expect(sizes).toEqual([8, 8, 8]);
  });

  it('the merged summary equals the unsharded one, and so do the rows', async () => {
    const e = env();
    const merged = await mergeRuns({ dirs: ['s2', 's1', 's3'], out: 'merged' }, e);
    expect(merged.exitCode).toBe(EXIT.ok);
    expect(merged.coverage).toMatchObject({ matrix_size: 24, covered: 24, missing: 0 });
    expect(byKey(merged.summary)).toEqual(byKey(full));
    expect(comparable(merged.summary.overall)).toEqual(comparable(full.overall));
    expect(merged.summary.overall).toMatchObject({ n: 24, checked: 24, passed: 16 });
    expect(merged.summary.merged_from).toEqual(['../s1', '../s2', '../s3']);
    const written = await readJson<RunSummary>(ws.path('merged/summary.json'));
    expect(byKey(written)).toEqual(byKey(full));
    const fullRows = new Map((await rowsOf('full')).map((r) => [r.job_id, r]));
    const mergedRows = await rowsOf('merged');
    expect(mergedRows).toHaveLength(24);
    for (const r of mergedRows) {
      expect(r.output_text).toBe(fullRows.get(r.job_id)!.output_text);
      expect(r.checks).toEqual(fullRows.get(r.job_id)!.checks.map((c) => (c.name.startsWith('max_tokens') ? { ...c, detail: expect.any(String) } : c)));
    }
    const csv = await readFile(ws.path('merged/results.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(25);
    const run = await readJson(ws.path('merged/run.json'));
    expect(run.merged_from.map((m: { shard: string }) => m.shard)).toEqual(['1/3', '2/3', '3/3']);
    expect(run.shard).toBeUndefined();
    expect(e.out()).toContain('merged 3 folder(s), 24 of 24 jobs');
  });

  it('the merged summary says what the warmup requests of every shard cost', async () => {
    const e = env();
    for (let i = 1; i <= 2; i++) await runSuite({ suitePath: 'suite.yaml', out: `w${i}`, shard: { index: i, count: 2 }, warmup: i + 1, history: false }, e);
    const shards = await Promise.all([1, 2].map(async (i) => (await readJson<RunSummary>(ws.path(`w${i}/summary.json`))).warmup!));
    expect(shards.map((w) => w.requests)).toEqual([2, 3]);
    const merged = await mergeRuns({ dirs: ['w1', 'w2'], out: 'merged-warm' }, e);
    expect(merged.exitCode).toBe(EXIT.ok);
    const spent = shards.reduce((sum, w) => sum.plus(w.spent_usd!), new Big(0)).toNumber();
    expect(spent).toBeGreaterThan(0);
    expect(merged.summary.warmup).toEqual({ requests: 5, ok: 5, errors: 0, spent_usd: spent });
    expect((await readJson<RunSummary>(ws.path('merged-warm/summary.json'))).warmup).toEqual(merged.summary.warmup);
    // Still no warmup row among the merged results.
    expect((await rowsOf('merged-warm')).some((r) => r.job_id.startsWith('warmup-'))).toBe(false);
    // And a merge of shards that did not warm up has no block.
    expect((await readJson<RunSummary>(ws.path('merged/summary.json'))).warmup).toBeUndefined();
  });

  it('judges again the rows of a shard killed before it finalized (provisional verdicts)', async () => {
    const { cp, writeFile } = await import('node:fs/promises');
    await cp(ws.path('s2'), ws.path('killed'), { recursive: true });
    const provisional = (await rowsOf('killed')).map((r) => JSON.stringify({ ...r, checks: [], passed: null })).join('\n');
    await writeFile(ws.path('killed/results.jsonl'), `${provisional}\n`);
    const merged = await mergeRuns({ dirs: ['s1', 'killed', 's3'], out: 'rejudged' }, env());
    expect(byKey(merged.summary)).toEqual(byKey(full));
  });

  it('reports a missing shard, writes what it has, and exits 1', async () => {
    const e = env();
    const partial = await mergeRuns({ dirs: ['s1', 's3'], out: 'partial', gates: { min_pass_rate: 0.01 } }, e);
    expect(partial.exitCode).toBe(EXIT.jobs_failed);
    expect(partial.coverage).toMatchObject({ covered: 16, missing: 8, missing_shards: ['2/3'] });
    expect(e.err()).toContain('The merge is incomplete: 8 of 24 jobs missing — shard(s) 2/3 not given');
    expect((await rowsOf('partial')).length).toBe(16);
    expect(await readJson(ws.path('partial/run.json'))).toMatchObject({ status: 'failed', coverage: { missing: 8, missing_shards: ['2/3'] } });
  });

  it('refuses overlaps and folders of another suite (exit 2), writing nothing', async () => {
    await expect(mergeRuns({ dirs: ['s1', 'full'], out: 'bad1' }, env())).rejects.toThrow(/Cannot merge these folders:\n {2}job [0-9a-f]{16} is in full and s1/);
    await runSuite({ suitePath: 'other.yaml', out: 'other', shard: { index: 2, count: 3 }, history: false }, env());
    await expect(mergeRuns({ dirs: ['s1', 'other'], out: 'bad2' }, env())).rejects.toMatchObject({ exitCode: EXIT.config, message: expect.stringMatching(/different suites/) });
    await expect(readFile(ws.path('bad1/results.jsonl'))).rejects.toThrow();
  });

  it('resuming a shard folder needs the same shard', async () => {
    await expect(runSuite({ suitePath: 'suite.yaml', resume: 's1', history: false }, env())).rejects.toThrow(/was run as shard 1\/3, not \(none\)/);
    const again = await runSuite({ suitePath: 'suite.yaml', resume: 's1', shard: { index: 1, count: 3 }, history: false }, env());
    expect(again.summary.overall.n).toBe(8);
  });

  it('a shard dealt no jobs is an empty ok run, gates and all', async () => {
    const before = server.requests.length;
    const empty = await runSuite({ suitePath: 'suite.yaml', out: 'empty', shard: { index: 30, count: 30 }, gates: { min_pass_rate: 0.9 }, history: false }, env());
    expect(empty).toMatchObject({ exitCode: EXIT.ok, summary: { overall: { n: 0 } } });
    expect(server.requests.length).toBe(before);
  });

  it('agent-lab resume brings back the shard, the gate flags and --junit', async () => {
    await runSuite({ suitePath: 'suite.yaml', out: 'g1', shard: { index: 1, count: 3 }, gates: { max_total_cost: 100 }, junit: 'reports/g1.xml', history: false }, env());
    const { resumeOptions } = await import('../src/run/resume.js');
    const options = await resumeOptions('g1', {}, ws.dir);
    expect(options).toMatchObject({ shard: { index: 1, count: 3 }, gates: { max_total_cost: 100 }, junit: ws.path('reports/g1.xml') });
    expect((await runSuite({ ...options, history: false }, env())).exitCode).toBe(EXIT.ok);
  });

  it('the CLI merges, gates the merged results (exit 3) and writes JUnit', async () => {
    const res = await runCli(['merge', 's1', 's2', 's3', '--out', 'cli-merged', '--min-pass-rate', '0.9', '--junit', 'junit.xml'], { cwd: ws.dir });
    expect(res.stdout).toMatch(/gates: 4 of 4 failed/);
    expect(res.code).toBe(EXIT.gate);
    expect(await readFile(ws.path('junit.xml'), 'utf8')).toMatch(/<testsuites name="agent-lab sharded" tests="28" failures="12"/);
    const usage = await runCli(['run', 'suite.yaml', '--shard', '4/3'], { cwd: ws.dir });
    expect(usage.code).toBe(EXIT.config);
    expect(usage.stderr).toContain('i/n with 1 ≤ i ≤ n');
  });
});
