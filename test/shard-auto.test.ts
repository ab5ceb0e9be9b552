// `--shard auto`: each engine's variables → agent-lab's 1-based i/n (GitLab counts from 1, the
// others from 0), an error naming the variables when none is set; `plan --shard` prints every
// shard's share; and four shards found by `merge` in a CI artifact layout (a folder, or a glob the
// shell did not expand) equal the unsharded run, row for row.
import { cp, mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../src/ci/merge.js';
import { resolveShard } from '../src/ci/shard-env.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { runSuite } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const auto = (vars: Record<string, string>, count?: number) => resolveShard('auto', count, vars)!;

describe('--shard auto, engine by engine', () => {
  it.each([
    ['GitHub Actions (AGENT_LAB_SHARD from strategy.matrix)', { AGENT_LAB_SHARD: '2/4' }, undefined, { index: 2, count: 4 }],
    ['GitLab parallel: (1-based)', { GITLAB_CI: 'true', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' }, undefined, { index: 1, count: 4 }],
    ['GitLab, last of 4', { CI_NODE_INDEX: '4', CI_NODE_TOTAL: '4' }, undefined, { index: 4, count: 4 }],
    ['GitLab without parallel: (CI_NODE_TOTAL=1 only)', { GITLAB_CI: 'true', CI_NODE_TOTAL: '1' }, undefined, { index: 1, count: 1 }],
    ['CircleCI parallelism (0-based)', { CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '3' }, undefined, { index: 1, count: 3 }],
    ['CircleCI, last of 3', { CIRCLE_NODE_INDEX: '2', CIRCLE_NODE_TOTAL: '3' }, undefined, { index: 3, count: 3 }],
    ['Buildkite parallelism (0-based)', { BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '2' }, undefined, { index: 2, count: 2 }],
    ['Kubernetes Indexed Job (0-based, --shard-count)', { JOB_COMPLETION_INDEX: '3' }, 4, { index: 4, count: 4 }],
    ['AGENT_LAB_SHARD wins over an engine', { AGENT_LAB_SHARD: '3/3', CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '3' }, undefined, { index: 3, count: 3 }],
  ] as const)('%s', (_name, vars, count, shard) => {
    expect(auto(vars, count).shard).toEqual(shard);
  });

  it("every engine's n machines get the n distinct shards 1..n", () => {
    const n = 5;
    const engines: ((i: number) => [Record<string, string>, number?])[] = [
      (i) => [{ CI_NODE_INDEX: String(i + 1), CI_NODE_TOTAL: String(n) }],
      (i) => [{ CIRCLE_NODE_INDEX: String(i), CIRCLE_NODE_TOTAL: String(n) }],
      (i) => [{ BUILDKITE_PARALLEL_JOB: String(i), BUILDKITE_PARALLEL_JOB_COUNT: String(n) }],
      (i) => [{ JOB_COMPLETION_INDEX: String(i) }, n],
    ];
    for (const engine of engines) {
      const labels = Array.from({ length: n }, (_, i) => auto(...engine(i)).shard).map((s) => `${s.index}/${s.count}`);
      expect(labels).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
    }
  });

  it('names the variables when none is set, and the one that is wrong otherwise', () => {
    expect(() => auto({})).toThrow(/AGENT_LAB_SHARD=i\/n[\s\S]*CI_NODE_INDEX, CI_NODE_TOTAL[\s\S]*CIRCLE_NODE_INDEX, CIRCLE_NODE_TOTAL[\s\S]*BUILDKITE_PARALLEL_JOB, BUILDKITE_PARALLEL_JOB_COUNT[\s\S]*JOB_COMPLETION_INDEX, with --shard-count N/);
    expect(() => auto({ AGENT_LAB_SHARD: '5/4' })).toThrow(/AGENT_LAB_SHARD as i\/n/);
    expect(() => auto({ JOB_COMPLETION_INDEX: '0' })).toThrow(/--shard-count N/);
    expect(() => auto({ CIRCLE_NODE_INDEX: '3', CIRCLE_NODE_TOTAL: '3' })).toThrow(/past the last of 3 shards \(CircleCI counts from 0\)/);
    expect(() => auto({ CI_NODE_INDEX: '0', CI_NODE_TOTAL: '3' })).toThrow(/CI_NODE_INDEX to be a whole number from 1/);
    expect(() => auto({ BUILDKITE_PARALLEL_JOB: '1' })).toThrow(/BUILDKITE_PARALLEL_JOB_COUNT/);
    expect(() => auto({ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' }, 3)).toThrow(/--shard-count 3` disagrees with GitLab/);
    expect(() => resolveShard({ index: 1, count: 2 }, 2, {})).toThrow(/--shard-count` goes with `--shard auto`/);
    expect(resolveShard(undefined, undefined, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '4' })).toBeNull();
  });
});

describe('plan --shard', () => {
  it("prints each shard's jobs and estimate, and what concurrency and the cap add up to", async () => {
    const r = await runCli(['plan', 'suites/example.yaml', '--mock', '--shard', 'auto', '--max-cost', '2', '--concurrency', '3'], { env: { CIRCLE_NODE_INDEX: '1', CIRCLE_NODE_TOTAL: '4', AGENT_LAB_CACHE_DIR: '/nonexistent-cache' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('shard 2/4 from CircleCI (CIRCLE_NODE_INDEX=1, CIRCLE_NODE_TOTAL=4)');
    expect(r.stdout.match(/^[1-4]\/4( \(this\))?\s+\d+\s+\$/gm)).toHaveLength(4);
    expect(r.stdout).toMatch(/^2\/4 \(this\)/m);
    expect(r.stdout).toContain('4 shards × --concurrency 3 = up to 12 requests in flight');
    expect(r.stdout).toContain('--max-cost $2 each, up to $8 together');
    const json = JSON.parse((await runCli(['plan', 'suites/example.yaml', '--mock', '--shard', '3/4', '--json'], { env: { AGENT_LAB_CACHE_DIR: '/nonexistent-cache' } })).stdout);
    expect(json.shard).toMatchObject({ shard: '3/4', from: '--shard', total_concurrency: json.shard.concurrency * 4 });
    expect(json.shard.shares.reduce((sum: number, s: { jobs: number }) => sum + s.jobs, 0)).toBe(12);
    expect(json.jobs).toBe(json.shard.shares[2].jobs);
  });

  it('exits 2 with the variables named when --shard auto finds none', async () => {
    const r = await runCli(['run', 'suites/example.yaml', '--mock', '--shard', 'auto', '--no-history', '--out', '/nonexistent/never']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/found no shard in the environment/);
  });
});

describe('four shards by --shard auto, merged from an artifact folder, equal the unsharded run', () => {
  const SUITE = `
name: fanout
models: [openai/gpt-4o-mini, mock/echo, { id: meta-llama/llama-3.1-8b-instruct, label: llama }]
system_prompts: { terse: Be terse., none: '' }
tasks:
  - { id: right, prompt: 'Capital? [[mock: reply="Canberra."]]', checks: [{ icontains: canberra }] }
  - { id: wrong, prompt: 'Capital? [[mock: reply="Sydney."]]', checks: [{ icontains: canberra }] }
  - { id: free, prompt: Tell me a fact. }
repeats: 2
`;
  let ws: Workspace;
  const env = (vars: Record<string, string> = {}) => memoryEnv({ cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache'), ...vars } });
  const fast = { ttftMs: 2, itlMs: 1, generationDelayMs: 5 };

  beforeAll(async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
    await runSuite({ suitePath: 'suite.yaml', out: 'full', mock: true, mockOptions: fast, history: false }, env());
    // Each pod of a Kubernetes Indexed Job: JOB_COMPLETION_INDEX 0..3, --shard-count 4.
    for (let i = 0; i < 4; i++) {
      await runSuite({ suitePath: 'suite.yaml', out: `pods/results/shard-${i}`, mock: true, mockOptions: fast, history: false, shard: 'auto', shardCount: 4 }, env({ JOB_COMPLETION_INDEX: String(i) }));
    }
    // As actions/download-artifact lays them out: shards/<artifact name>/<the uploaded folder>.
    for (let i = 0; i < 4; i++) await cp(ws.path(`pods/results/shard-${i}`), ws.path(`shards/shard-${i + 1}`), { recursive: true });
    await mkdir(ws.path('shards/not-a-run'), { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await ws.cleanup();
  });

  /** What must not depend on how the matrix was cut: everything but ids, clocks and routing. */
  const stable = (r: JobResult) => ({
    ...Object.fromEntries((['job_id', 'task_id', 'model', 'model_label', 'system_prompt_id', 'system_prompt_sha256', 'repeat', 'params', 'status', 'error_kind', 'output_text', 'finish_reason', 'tokens_prompt', 'tokens_completion', 'native_tokens_prompt', 'native_tokens_completion', 'cost_usd', 'cost_source', 'attempts', 'passed'] as const).map((k) => [k, r[k]])),
    checks: r.checks.map((c) => ({ name: c.name, pass: c.pass })),
  });
  const rowsBy = async (dir: string) => new Map((await readResults(ws.path(dir))).map((r) => [r.job_id, stable(r)]));

  it('each pod recorded the shard its index names, and resume needs no environment', async () => {
    for (let i = 0; i < 4; i++) {
      const info = await readJson(ws.path(`pods/results/shard-${i}/run.json`));
      expect(info.shard).toMatchObject({ index: i + 1, count: 4 });
      expect(info.options.shard).toEqual({ index: i + 1, count: 4 });
      expect(info.options).not.toHaveProperty('shardCount');
    }
  });

  it('merge of the artifact folder (skipping what is no run) equals the unsharded run, row for row', async () => {
    const e = env();
    const merged = await mergeRuns({ dirs: ['shards'], out: 'merged' }, e);
    expect(merged.exitCode, e.err()).toBe(EXIT.ok);
    expect(e.err()).toContain('merging 4 run folder(s): shards/shard-1, shards/shard-2, shards/shard-3, shards/shard-4');
    expect(merged.coverage).toMatchObject({ matrix_size: 36, covered: 36, missing: 0, overlaps: [] });
    const full = await rowsBy('full');
    const rows = await rowsBy('merged');
    expect(rows.size).toBe(36);
    expect([...rows.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [id, row] of full) expect(rows.get(id), id).toEqual(row);
    expect((await readFile(ws.path('merged/results.csv'), 'utf8')).trim().split('\n')).toHaveLength(37);
  });

  it('takes a quoted glob the shell did not expand, and never its own --out', async () => {
    const ok = await runCli(['merge', 'shards/shard-*', '--out', 'shards/merged'], { cwd: ws.dir });
    expect(ok.code, ok.stderr).toBe(0);
    const named = await runCli(['merge', 'shards/shard-*', 'shards/merged', '--out', 'shards/merged'], { cwd: ws.dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/shards\/merged holds no run folder \(none with a run.json besides --out\)/);
    // Again, over the whole folder, the earlier output inside it is left out.
    const again = await runCli(['merge', 'shards', '--out', 'shards/merged'], { cwd: ws.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('merged 4 folder(s), 36 of 36 jobs');
  });

  it('refuses what covers the matrix twice and names a glob that matches nothing', async () => {
    const twice = await runCli(['merge', 'shards', 'full', '--out', 'bad'], { cwd: ws.dir });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/is in shards\/shard-\d and full|is in full and shards\/shard-\d/);
    // The merge an earlier test left in shards/ is named and left out, not counted twice.
    expect(twice.stderr).toContain('(not the earlier merge(s) shards/merged)');
    const none = await runCli(['merge', 'nothing-*', '--out', 'bad'], { cwd: ws.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nothing-\* matches no folder/);
    const partial = await runCli(['merge', 'shards/shard-[12]', '--out', 'half'], { cwd: ws.dir });
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/shard\(s\) 3\/4, 4\/4 not given/);
  });
});
