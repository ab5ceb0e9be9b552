// The pairwise judge end to end: mock/judge prefers the answer with more of the rubric's words
// (JUDGE-FIRST: always the first, a position bias), and every pair is asked in both orders.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { resumeOptions } from '../src/run/resume.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-pairwise-key-0123456789abcdef';
const RUBRIC = 'decline politely cite policy';
const SUITE = `name: ab
models:
  - { id: openai/gpt-4o-mini, label: mini }
  - { id: mock/echo, label: short, params: { max_tokens: 3 } }   # the same answer, cut after three words
judge: { model: mock/judge }
checks:
  - pairwise: { rubric: "${RUBRIC}", against: short }
tasks:
  - { id: win, prompt: 'Q1 [[mock: reply="We decline politely and cite the policy"]]' }
  - { id: tie, prompt: 'Q2 [[mock: reply="No"]]' }
  - id: loss
    prompt: 'Q3 [[mock: reply="We decline politely and cite the policy"]]'
    checks:
      - pairwise: { rubric: "${RUBRIC}", against: mini }
  - id: bias
    prompt: 'Q4 [[mock: reply="We decline politely and cite the policy"]]'
    checks:
      - pairwise: { rubric: "${RUBRIC} JUDGE-FIRST", against: short }
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => void (server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 })));
afterAll(() => server.close());
beforeEach(async () => void (ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG, 'suite.yaml': SUITE })));
afterEach(() => ws.cleanup());

const env = () => memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
const judgeRequests = (before: number) => server.requests.slice(before).filter((r) => r.model === 'mock/judge');

describe('pairwise checks', () => {
  it('win, tie or loss from both orders (a position bias cancels), rates per column pair, cost apart, cached', async () => {
    const before = server.requests.length;
    await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false }, env());
    const rows = await readResults(ws.path('out'));
    const cell = (task: string, label: string) => rows.find((r) => r.task_id === task && r.model_label === label)!;
    expect(cell('win', 'mini').checks[0]).toMatchObject({ name: 'pairwise vs short', outcome: 'win', against: 'short', pass: true, verdict: 'pass' });
    expect(cell('win', 'mini').checks[0]!.detail).toBe('win against short (both orders agree)');
    expect(cell('tie', 'mini').checks[0]).toMatchObject({ outcome: 'tie', pass: true });
    expect(cell('loss', 'short').checks[1]).toMatchObject({ name: 'pairwise vs mini', outcome: 'loss', pass: false, verdict: 'fail' });
    expect(cell('loss', 'short').passed).toBe(false);
    // The judge always picks the first answer here: asked both ways, that is a tie.
    expect(cell('bias', 'mini').checks.map((c) => c.outcome)).toEqual(['win', 'tie']);
    expect(cell('bias', 'mini').checks[1]!.detail).toBe('tie against short (the two orders disagree)');
    // The column compared with is not compared with itself.
    expect(cell('win', 'short').checks[0]).toEqual({ name: 'pairwise vs short', pass: true, detail: 'this is the short column: nothing to compare' });
    expect(cell('win', 'short').judge_cost_usd).toBeNull();
    // Two requests a pair, each verdict asked once: the loss task's two checks ask the same pair
    // (one request each order, not two), and two equal answers (the tie) make both orders one request.
    expect(judgeRequests(before)).toHaveLength(9);
    expect(cell('win', 'mini').judge_cost_usd).toBeGreaterThan(0);
    expect(cell('win', 'mini').cost_usd).not.toBe(cell('win', 'mini').judge_cost_usd);
    const summary = await readJson(ws.path('out/summary.json'));
    expect(summary.pairwise).toEqual([
      expect.objectContaining({ model_label: 'mini', system_prompt_id: 'default', against: 'short', n: 5, wins: 3, ties: 2, losses: 0, errors: 0, win_rate: 0.6, loss_rate: 0 }),
      expect.objectContaining({ model_label: 'short', against: 'mini', n: 1, wins: 0, losses: 1, loss_rate: 1 }),
    ]);
    expect(summary.pairwise[0].win_rate_ci95[0]).toBeLessThan(0.6);
    expect(summary.pairwise[0].win_rate_ci95[1]).toBeGreaterThan(0.6);
    // A resume asks no verdict again.
    const again = server.requests.length;
    await runSuite(await resumeOptions('out', {}, ws.dir), env());
    expect(server.requests.length).toBe(again);
  });
});
