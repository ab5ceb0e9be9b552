// `agent-lab merge` gates like `run`: the suite's `gates:` apply to the merged results (when the
// suite file is still there, unchanged), and a flag overrides its key. Before, a merge without
// gate flags gated nothing, so a CI merge job of a suite with `gates:` passed every regression.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeRuns } from '../src/ci/merge.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { runSuite } from '../src/run/index.js';
import type { RunSummary } from '../src/types/summary.js';
import { readJson } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

// The simulator's answers are generated words: `icontains: canberra` fails on every job.
const SUITE = `
name: gated
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
tasks:
  - id: capital
    prompt: What is the capital of Australia?
    checks: [{ icontains: canberra }, { max_latency_ms: 20000 }]
repeats: 2
params: { max_tokens: 20 }
gates: { min_pass_rate: 0.9 }
`;

let ws: Workspace;
beforeAll(async () => {
  const unchecked = SUITE.replace(/ {4}checks: .*\n/, '').replace(/gates: .*\n/, '');
  ws = await workspace({ 'suite.yaml': SUITE, 'unchecked.yaml': unchecked, 'agent-lab.config.yaml': FAST_CONFIG });
  for (const index of [1, 2]) {
    for (const [suitePath, prefix] of [['suite.yaml', 'shard'], ['unchecked.yaml', 'plain']] as const) {
      await runSuite({ suitePath, out: `${prefix}-${index}`, mock: true, history: false, mockOptions: { ttftMs: 5, itlMs: 1 }, shard: { index, count: 2 } }, memoryEnv({ cwd: ws.dir }));
    }
  }
});
afterAll(() => ws.cleanup());

describe('merge and the suite gates', () => {
  it("applies the suite's gates: exit 3 on a measured pass rate below min_pass_rate", async () => {
    const env = memoryEnv({ cwd: ws.dir });
    const report = await mergeRuns({ dirs: ['shard-1', 'shard-2'], out: 'merged' }, env);
    expect(report.coverage.missing).toBe(0);
    expect(report.exitCode).toBe(EXIT.gate);
    const summary = await readJson<RunSummary>(ws.path('merged/summary.json'));
    expect(summary.gates!.map((g) => [g.gate, g.status])).toEqual([
      ['min_pass_rate', 'fail'],
      ['min_pass_rate', 'fail'],
    ]);
    expect(env.out()).toMatch(/FAIL\s+min_pass_rate/);
  });

  it('--min-pass-rate on a suite without checks is exit 2, as on run, and nothing is written', async () => {
    await expect(mergeRuns({ dirs: ['plain-1', 'plain-2'], out: 'plain-merged', gates: { min_pass_rate: 0.9 } }, memoryEnv({ cwd: ws.dir }))).rejects.toMatchObject({
      exitCode: EXIT.config,
      message: expect.stringContaining('`min_pass_rate` needs checks'),
    });
    expect(existsSync(ws.path('plain-merged'))).toBe(false);
    const plain = await mergeRuns({ dirs: ['plain-1', 'plain-2'], out: 'plain-merged' }, memoryEnv({ cwd: ws.dir }));
    expect(plain.exitCode).toBe(EXIT.ok);
  });

  it('a flag overrides the suite key', async () => {
    const report = await mergeRuns({ dirs: ['shard-1', 'shard-2'], out: 'merged-0', gates: { min_pass_rate: 0 } }, memoryEnv({ cwd: ws.dir }));
    expect(report.exitCode).toBe(EXIT.ok);
  });
});
