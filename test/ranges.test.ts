// Numbers that would break the run quietly are refused at load, with file:line and a reason: a
// timeout of 2^31 ms or more fires after 1 ms (Node's timer limit), a huge /generation wait never
// ends, and request params the CLI sets pass the same ban as params in a file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { ConfigSchema, MAX_TIMER_MS } from '../src/config/schema.js';
import { memoryEnv } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace();
});
afterAll(() => ws.cleanup());

async function configProblems(yaml: string): Promise<string[]> {
  const file = await ws.write(`c${Math.random().toString(36).slice(2)}.yaml`, yaml);
  const error = await loadConfig(file, ws.dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, yaml).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
}

describe('config ranges', () => {
  it('refuses a timeout that does not fit a timer, and says why', async () => {
    expect(MAX_TIMER_MS).toBe(2 ** 31 - 1);
    for (const key of ['connect_ms', 'ttft_ms', 'idle_ms', 'total_ms']) {
      const problems = await configProblems(`timeouts:\n  ${key}: 2147483648\n`);
      expect(problems).toEqual([`2 timeouts.${key}: Expected \`${key}\` to be a whole number of ms from 1 to 2147483647 (about 24.8 days: a longer timer fires at once)`]);
    }
    // The limit itself is fine.
    const ok = await ws.write('ok.yaml', 'timeouts:\n  total_ms: 2147483647\n');
    expect((await loadConfig(ok, ws.dir)).config.timeouts.total_ms).toBe(MAX_TIMER_MS);
  });

  it('bounds the /generation wait, the retries and the other numbers', async () => {
    expect(await configProblems('generation:\n  max_wait_ms: 1000000000\n')).toEqual([expect.stringMatching(/^2 generation\.max_wait_ms: Expected `max_wait_ms` to be a whole number of ms from 0 to 3600000/)]);
    expect(await configProblems('generation:\n  first_delay_ms: 99999999\n')).toEqual([expect.stringMatching(/first_delay_ms.*from 0 to 3600000/)]);
    expect(await configProblems('retry:\n  max_delay_ms: 3000000000\n')).toEqual([expect.stringMatching(/max_delay_ms.*from 0 to 2147483647/)]);
    expect(await configProblems('retry:\n  base_delay_ms: 3000000000\n')).toEqual([expect.stringMatching(/base_delay_ms.*from 0 to 2147483647/)]);
    expect(await configProblems('retry:\n  max_retry_time_ms: 3000000000\n')).toEqual([expect.stringMatching(/max_retry_time_ms.*from 0 to 2147483647/)]);
    expect(await configProblems('retry:\n  max_attempts: 1000\n')).toEqual([expect.stringMatching(/max_attempts.*from 1 to 100/)]);
    expect(await configProblems('concurrency: 1000000\n')).toEqual([expect.stringMatching(/concurrency.*from 1 to 10000/)]);
    expect(await configProblems('max_response_bytes: 99999999999\n')).toEqual([expect.stringMatching(/max_response_bytes.*from 1024 to 1073741824/)]);
    expect(await configProblems('max_cost: .inf\n')).toEqual([expect.stringMatching(/max_cost/)]);
  });

  it('the defaults are inside every range', () => {
    expect(() => ConfigSchema.parse({})).not.toThrow();
  });
});

describe('the params ban holds for flags too', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ ttftMs: 1, itlMs: 0, tokens: 2, generationDelayMs: 5 });
    await ws.write('agent-lab.config.yaml', FAST_CONFIG);
    await ws.write('suite.yaml', 'name: ban\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\n');
  });
  afterAll(() => server.close());

  for (const [key, value] of [['model', 'openai/gpt-4o'], ['models', ['a/b', 'c/d']], ['messages', []], ['stream', false], ['temprature', 0.5]] as const) {
    it(`--param ${key}=… is exit 2, nothing sent`, async () => {
      const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: 'k', OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
      const error = await runSuite({ suitePath: 'suite.yaml', out: `out-${key}`, params: { [key]: value }, history: false }, env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      expect((error as ConfigError).issues[0]).toMatchObject({ file: 'command-line option --param', path: key });
      expect(server.requests).toHaveLength(0);
    });
  }
});
