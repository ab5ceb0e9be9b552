// A closed terminal (SIGHUP) ends a run like SIGTERM: in-flight jobs aborted, the reports written,
// run.json not left `running`. And the Ctrl-C grace is said as it is: 300 ms, not "0 s".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graceMs, graceText } from '../src/cli/signals.js';
import { ConfigError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { spawnCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-hangup-test-key-0123456789';
let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 20, itlMs: 5, tokens: 5, generationDelayMs: 20 });
});
afterAll(() => server.close());

/** A run whose jobs stall after their first token, killed with `signal` once they all stream. */
async function killedWith(signal: NodeJS.Signals, extraEnv: Record<string, string> = {}) {
  const tasks = Array.from({ length: 2 }, (_, i) => `  - { id: h${i}, prompt: "${signal} ${i} [[mock: fault=stall after=1 ms=20000 times=1]]" }`).join('\n');
  const w = await workspace({ 'suite.yaml': `name: hup\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\n`, 'agent-lab.config.yaml': FAST_CONFIG });
  const sent = server.requests.length;
  const run = spawnCli(['run', 'suite.yaml', '--out', 'out', '--no-history'], { cwd: w.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, ...extraEnv } });
  await run.until(() => server.requests.slice(sent).filter((r) => r.first_token_at !== null).length === 2, { what: '2 streams started' });
  run.child.kill(signal);
  return { w, result: await run.exit };
}

describe('SIGHUP (the terminal was closed)', () => {
  it('aborts in flight, writes the reports and run.json as interrupted, exits 130', async () => {
    const { w, result } = await killedWith('SIGHUP');
    try {
      expect(result.signal, result.stderr).toBeNull();
      expect(result.code, result.stderr).toBe(130);
      expect(await readJson(w.path('out/summary.json'))).toMatchObject({ status: 'interrupted', overall: { n: 2 } });
      expect(await readJson(w.path('out/run.json'))).toMatchObject({ status: 'interrupted' });
      expect((await readResults(w.path('out'))).map((r) => r.error_kind)).toEqual(['aborted', 'aborted']);
    } finally {
      await w.cleanup();
    }
  });
});

describe('the Ctrl-C grace', () => {
  it('is said in ms below a second and never as 0 s', () => {
    expect(graceText(300)).toBe('300 ms');
    expect(graceText(0)).toBe('0 ms');
    expect(graceText(1500)).toBe('1.5 s');
    expect(graceText(10_000)).toBe('10 s');
  });

  it('comes from AGENT_LAB_GRACE_MS, which must be a timer-sized whole number of ms', () => {
    expect(graceMs({})).toBe(10_000);
    expect(graceMs({ AGENT_LAB_GRACE_MS: '300' })).toBe(300);
    for (const bad of ['abc', '-5', '1.5', '2147483648', '1e12']) expect(() => graceMs({ AGENT_LAB_GRACE_MS: bad }), bad).toThrow(ConfigError);
  });

  it('a first Ctrl-C with a 300 ms grace says so', async () => {
    const { w, result } = await killedWith('SIGINT', { AGENT_LAB_GRACE_MS: '300' });
    try {
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('waiting up to 300 ms for the ones in flight');
    } finally {
      await w.cleanup();
    }
  });
});
