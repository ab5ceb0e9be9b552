// The cost cap under the conditions that broke it: providers that bill prompt tokens the client
// cannot see, at high concurrency, and mid-stream failures that are retried (each attempt
// billed). "Spent" is the simulator's own account of what it billed, not agent-lab's figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-budget-cap-test-key-0123456789';
let ws: Workspace;

beforeAll(async () => {
  ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(() => ws.cleanup());

/** A run on its own simulator, so that the simulator's billing is this run's alone. */
async function capped(name: string, suite: string, cap: number, server: MockServer) {
  await ws.write(`${name}.yaml`, `name: ${name}\n${suite}`);
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path(`cache-${name}`) } });
  const report = await runSuite({ suitePath: `${name}.yaml`, out: `out-${name}`, maxCost: cap }, env);
  return { report, rows: await readResults(ws.path(`out-${name}`)), stderr: env.err() };
}

const tasks = (n: number, prompt: (i: number) => string) => Array.from({ length: n }, (_, i) => `  - { id: t${i}, prompt: "${prompt(i)}" }`).join('\n');

describe('the cap holds', () => {
  it('at concurrency 50 against a provider that adds 2000 hidden prompt tokens to every request', async () => {
    // Estimated ~16 prompt tokens a job, billed ~2020: each job really costs ~10× its first
    // reservation, and 50 of them used to be in flight before the first one settled.
    const server = await startMockServer({ apiKey: KEY, ttftMs: 20, itlMs: 1, tokens: 10, generationDelayMs: 20 });
    try {
      const cap = 0.002;
      const suite = `models: [openai/gpt-4o-mini]\ntasks:\n${tasks(200, (i) => `question ${i} [[mock: hidden_prompt=2000]]`)}\nparams: { max_tokens: 50 }\nconcurrency: 50\n`;
      const { report, rows } = await capped('hidden', suite, cap, server);
      const billed = server.billing();
      expect(report.status).toBe('budget');
      expect(billed.usd).toBeGreaterThan(0);
      expect(billed.usd, `billed $${billed.usd} for a $${cap} cap`).toBeLessThanOrEqual(cap);
      // It still used most of the cap: the reservations learned the real prompt size, not a panic stop.
      expect(billed.usd).toBeGreaterThan(cap / 2);
      expect(rows.filter((r) => r.status === 'ok').length).toBe(billed.generations);
    } finally {
      await server.close();
    }
  });

  it('when mid-stream failures are retried, each attempt billed', async () => {
    // Three attempts of each job fail after 30 of their 40 tokens (billed), the fourth succeeds.
    const server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 0, generationDelayMs: 20 });
    try {
      const cap = 0.0004;
      const suite = `models: [openai/gpt-4o-mini]\ntasks:\n${tasks(40, (i) => `flaky ${i} [[mock: tokens=40 fault=midstream_error after=30 times=3]]`)}\nparams: { max_tokens: 40 }\nconcurrency: 10\n`;
      const { rows } = await capped('midstream', suite, cap, server);
      const billed = server.billing();
      expect(billed.generations).toBeGreaterThan(rows.filter((r) => r.status === 'ok').length);
      expect(billed.usd, `billed $${billed.usd} for a $${cap} cap`).toBeLessThanOrEqual(cap);
      // What agent-lab says it spent is what was billed: every failed attempt's cost was looked up.
      const said = rows.reduce((sum, r) => sum + (r.spent_usd ?? 0), 0);
      expect(said).toBeCloseTo(billed.usd, 12);
    } finally {
      await server.close();
    }
  });
});
