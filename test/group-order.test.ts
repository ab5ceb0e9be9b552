// The summary lists model × system prompt in the suite's order, not in the order jobs happened to
// finish: two runs of one suite (and a merge of its shards) print the same table, line for line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregator, suiteGroupOrder } from '../src/stats/aggregate.js';
import { mergeRuns } from '../src/ci/merge.js';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson, readResults } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

// Sonnet answers slower than llama in the simulator (TTFT 550 vs 180 ms, 20 vs 8 ms a token), so
// llama's rows reach the journal first although sonnet comes first in the suite.
const SUITE = `
name: order
models:
  - anthropic/claude-sonnet-4.5
  - meta-llama/llama-3.1-8b-instruct
system_prompts:
  terse: Answer in one sentence.
  none: ''
tasks:
  - id: a
    prompt: One.
  - id: b
    prompt: Two.
params: { max_tokens: 40 }
concurrency: 8
`;
const EXPECTED = [
  ['anthropic/claude-sonnet-4.5', 'terse'],
  ['anthropic/claude-sonnet-4.5', 'none'],
  ['meta-llama/llama-3.1-8b-instruct', 'terse'],
  ['meta-llama/llama-3.1-8b-instruct', 'none'],
];
const arms = (groups: { model: string; system_prompt_id: string }[]) => groups.map((g) => [g.model, g.system_prompt_id]);

describe('group order (pure)', () => {
  it('follows the given order whatever order the rows arrive in; unknown groups follow', () => {
    const agg = createAggregator({ groupOrder: suiteGroupOrder({ models: [{ id: 'm/a' }, { id: 'm/b' }], systemPrompts: [{ id: 'x' }, { id: 'y' }] }) });
    for (const [model, prompt] of [['m/extra', 'x'], ['m/b', 'y'], ['m/a', 'y'], ['m/b', 'x'], ['m/a', 'x']] as const) {
      agg.add(row({ model, model_label: model, system_prompt_id: prompt }));
    }
    const summary = agg.finish({ run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' });
    expect(arms(summary.groups)).toEqual([['m/a', 'x'], ['m/a', 'y'], ['m/b', 'x'], ['m/b', 'y'], ['m/extra', 'x']]);
  });

  it('keeps arrival order without one', () => {
    const agg = createAggregator();
    for (const model of ['m/b', 'm/a']) agg.add(row({ model }));
    expect(agg.finish({ run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' }).groups.map((g) => g.model)).toEqual(['m/b', 'm/a']);
  });
});

describe('group order (run and merge on the simulator)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  });
  afterAll(() => ws.cleanup());

  it('a run lists its groups in the suite order, not in finishing order', async () => {
    const env = memoryEnv({ cwd: ws.dir });
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'run', mock: true, history: false }, env);
    expect(report.exitCode).toBe(0);
    const rows = await readResults(ws.path('run'));
    // The premise: the fast model finished first, so arrival order is not the suite's.
    expect(rows[0]!.model).toBe('meta-llama/llama-3.1-8b-instruct');
    expect(arms(report.summary.groups)).toEqual(EXPECTED);
    const written = await readJson<RunSummary>(ws.path('run/summary.json'));
    expect(arms(written.groups)).toEqual(EXPECTED);
    const table = env.out().split('\n').filter((l) => /^(sonnet|anthropic|meta-llama)/.test(l)).map((l) => l.split(/\s+/).slice(0, 2));
    expect(table).toEqual(EXPECTED);
  });

  it('a merge of shards lists them in the suite order too', async () => {
    for (const i of [1, 2]) {
      const report = await runSuite({ suitePath: 'suite.yaml', out: `shard-${i}`, mock: true, history: false, shard: { index: i, count: 2 } }, memoryEnv({ cwd: ws.dir }));
      expect(report.exitCode).toBe(0);
    }
    const merged = await mergeRuns({ dirs: ['shard-1', 'shard-2'], out: 'merged' }, memoryEnv({ cwd: ws.dir }));
    expect(merged.exitCode).toBe(0);
    expect(arms(merged.summary.groups)).toEqual(EXPECTED);
  });
});
