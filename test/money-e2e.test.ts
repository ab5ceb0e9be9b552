// Preflight, plan, budget and cost reconciliation end to end: runSuite with the real client
// against the simulator on loopback; the simulator's own request log says what was sent.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Big from 'big.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { CATALOG, startMockServer, type MockServer } from '../src/mock/server.js';
import { planSuite, runSuite, type RunOptions } from '../src/run/index.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-money-test-key-0123456789abcdef';
let server: MockServer;
let ws: Workspace;
let n = 0;

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, tokens: 10, generationDelayMs: 20 });
  ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});
beforeEach(() => void (server.requests.length = 0));

async function run(suite: string, options: Partial<RunOptions> = {}) {
  const name = `s${++n}`;
  await ws.write(`${name}.yaml`, `name: ${name}\n${suite}`);
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
  const out = `out-${name}`;
  const report = await runSuite({ suitePath: `${name}.yaml`, out, ...options }, env);
  const rows = await readResults(ws.path(out), { optional: true });
  return { report, rows, stdout: env.out(), stderr: env.err(), outDir: ws.path(out) };
}

async function refused(suite: string, options: Partial<RunOptions> = {}): Promise<ConfigError> {
  const error = await run(suite, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('preflight', () => {
  it('catches an unknown model before any chat request, with "did you mean"', async () => {
    const error = await refused('models: [openai/gpt-4o-mini, openai/gpt-4o-mni]\ntasks: [{ id: t, prompt: hi }]\n');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('Unknown model `openai/gpt-4o-mni`');
    expect(error.message).toContain('Did you mean `openai/gpt-4o-mini`?');
    expect(server.requests).toHaveLength(0);
    expect(existsSync(ws.path(`out-s${n}`))).toBe(false);
  });

  it('warns about params a model does not list, and runs', async () => {
    const { report, stderr } = await run('models: [mock/echo]\ntasks: [{ id: t, prompt: hi }]\nparams: { top_k: 3, max_tokens: 20 }\n');
    expect(report.exitCode).toBe(0);
    expect(stderr).toMatch(/warn: mock\/echo does not list `top_k` in its supported_parameters/);
    expect(server.requests).toHaveLength(1);
  });

  it('--strict-params makes it an error (nothing sent), and sends provider.require_parameters: true otherwise', async () => {
    const error = await refused('models: [mock/echo]\ntasks: [{ id: t, prompt: hi }]\nparams: { top_k: 3 }\n', { strictParams: true });
    expect(error.message).toMatch(/mock\/echo does not list `top_k`.*--strict-params is on/);
    expect(server.requests).toHaveLength(0);
    const { rows } = await run('models: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\nparams: { temperature: 0, provider: { order: [azure] } }\n', { strictParams: true });
    expect(rows[0]!.params.provider).toEqual({ order: ['azure'], require_parameters: true });
    expect(server.requests).toHaveLength(1);
  });

  it('`agent-lab resume` keeps --strict-params (same job ids: nothing is sent again) and --no-preflight', async () => {
    const { resumeOptions } = await import('../src/run/resume.js');
    const first = await run('models: [openai/gpt-4o-mini]\ntasks: [{ id: a, prompt: one }, { id: b, prompt: two }]\n', { strictParams: true, preflight: false });
    expect(first.rows.map((r) => r.status)).toEqual(['ok', 'ok']);
    server.requests.length = 0;
    const options = await resumeOptions(first.outDir, {}, ws.dir);
    expect(options).toMatchObject({ strictParams: true, preflight: false });
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    expect((await runSuite(options, env)).exitCode).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('--no-preflight skips the check (the API then refuses the unknown model as a row)', async () => {
    const { rows, report } = await run('models: [openai/gpt-4o-mni]\ntasks: [{ id: t, prompt: hi }]\n', { preflight: false });
    expect(report.exitCode).toBe(1);
    expect(rows[0]).toMatchObject({ status: 'error', error_kind: 'bad_request' });
  });
});

describe('run --dry-run (planSuite)', () => {
  it('prints the plan and sends nothing, writes nothing', async () => {
    const prompt = 'What is the capital of France?';
    await ws.write(`s${++n}.yaml`, `name: s${n}
models: [openai/gpt-4o-mini]
tasks: [{ id: t, prompt: ${prompt} }]
params: { max_tokens: 100 }
repeats: 3
`);
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    const report = await planSuite({ suitePath: `s${n}.yaml`, out: `out-s${n}`, expectTokens: 40 }, env);
    const stdout = env.out();
    expect(report.exitCode).toBe(0);
    // One message of 30 bytes: ceil(30 / 4) + 4 for the message + 3 for the request = 15 prompt tokens.
    const promptTokens = Math.ceil(Buffer.byteLength(prompt) / 4) + 4 + 3;
    // At the simulator's listed gpt-4o-mini prices ($0.15 and $0.6 per million), 3 repeats of:
    // low, the 40 expected completion tokens: 15 × 0.00000015 + 40 × 0.0000006 = 0.00002625 (× 3 = 0.00007875);
    // high, all of max_tokens 100: 15 × 0.00000015 + 100 × 0.0000006 = 0.00006225 (× 3 = 0.00018675).
    const { prompt: inPrice, completion: outPrice } = CATALOG.find((m) => m.id === 'openai/gpt-4o-mini')!.pricing;
    const costOf = (completion: number) => new Big(inPrice).times(promptTokens).plus(new Big(outPrice).times(completion)).times(3).toNumber();
    expect(report.plan!.total).toMatchObject({ jobs: 3, low_usd: costOf(40), high_usd: costOf(100) });
    expect(stdout).toContain('Nothing was sent.');
    expect(server.requests).toHaveLength(0);
    expect(existsSync(ws.path(`out-s${n}`))).toBe(false);
  });
});

describe('budget (--max-cost)', () => {
  // 20 jobs. Each reserves ceil(10 × 1.25) = 13 prompt + 50 completion tokens at gpt-4o-mini prices
  // ($0.00003195); each really costs 11 + 11 native tokens ($0.00000825), $0.000165 for all.
  const SUITE = `models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: 20 }, (_, i) => `  - { id: t${String(i).padStart(2, '0')}, prompt: "question ${String(i).padStart(2, '0')}" }`).join('\n')}
params: { max_tokens: 50 }
concurrency: 3
`;
  const CAP = 0.0001;

  it('never crosses the cap, records the rest as skipped (budget), ends with exit 4', async () => {
    const { report, rows, stdout, stderr } = await run(SUITE, { maxCost: CAP });
    expect(report.exitCode).toBe(4);
    expect(report.status).toBe('budget');
    const ok = rows.filter((r) => r.status === 'ok');
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(ok.length + skipped.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((r) => r.error_kind === 'budget' && r.attempts === 0)).toBe(true);
    // Only the ok jobs were sent, once each.
    expect(server.requests).toHaveLength(ok.length);
    const spent = ok.reduce((a, r) => a + r.cost_usd!, 0);
    expect(spent).toBeLessThanOrEqual(CAP);
    // And the run stopped only when the next job's worst case no longer fitted.
    expect(spent + 0.00003195).toBeGreaterThan(CAP);
    expect(report.summary.overall.skipped).toBe(skipped.length);
    expect(report.summary.overall.errors).toBe(0);
    expect(stdout).toContain(`skipped: ${skipped.length} job(s) not sent, the cost cap would have been crossed`);
    expect(stdout).not.toMatch(/^errors:/m);
    expect(stderr).toContain('the cost cap would be crossed');
  });

  it('a resume with a higher cap sends only the skipped jobs', async () => {
    const first = await run(SUITE, { maxCost: CAP });
    const sentBefore = first.rows.filter((r) => r.status === 'ok').length;
    server.requests.length = 0;
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    const report = await runSuite({ suitePath: `s${n}.yaml`, resume: first.outDir, maxCost: 1 }, env);
    expect(report.exitCode).toBe(0);
    expect(server.requests).toHaveLength(20 - sentBefore);
    const rows = await readResults(first.outDir);
    expect(rows.filter((r) => r.status === 'ok')).toHaveLength(20);
    expect(rows).toHaveLength(20);
  });

  it('a resume with the same cap counts what the folder already spent, and sends nothing more', async () => {
    const first = await run(SUITE, { maxCost: CAP });
    server.requests.length = 0;
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    const report = await runSuite({ suitePath: `s${n}.yaml`, resume: first.outDir, maxCost: CAP }, env);
    expect(report.exitCode).toBe(4);
    expect(server.requests).toHaveLength(0);
    expect(env.err()).toMatch(/cost cap: \$0\.0000\d+ spent of \$0\.0001; \d+ job\(s\) not sent/);
  });

  it('a /models the endpoint cannot serve fails the preflight with a way out', async () => {
    const name = `s${++n}`;
    await ws.write(`${name}.yaml`, `name: ${name}\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\n`);
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: `${server.url}/nowhere`, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    await expect(runSuite({ suitePath: `${name}.yaml`, out: `out-${name}` }, env)).rejects.toThrow(/^Preflight: The model list request to .* failed with HTTP 404.*--no-preflight/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a budget without prices (--no-preflight) before anything is sent', async () => {
    const error = await refused(SUITE, { maxCost: CAP, preflight: false });
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('--no-preflight');
    expect(server.requests).toHaveLength(0);
  });

  it('a cap that fits everything changes nothing', async () => {
    const { report, rows } = await run(SUITE, { maxCost: 1 });
    expect(report.exitCode).toBe(0);
    expect(rows.filter((r) => r.status === 'ok')).toHaveLength(20);
  });
});

describe('cost reconciliation and estimate vs actual', () => {
  it('a clean run: the three costs agree, dated and canonical slugs are not fallbacks, estimate vs actual is reported', async () => {
    const { report, rows, stdout, outDir } = await run(
      'models: [openai/gpt-4o-mini, anthropic/claude-sonnet-4.5]\ntasks: [{ id: a, prompt: one }, { id: b, prompt: two }]\nparams: { max_tokens: 60 }\n',
      { expectTokens: 10 },
    );
    expect(report.exitCode).toBe(0);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.cost_estimate_usd).not.toBeNull();
      expect(r.cost_estimate_usd).toBeCloseTo(r.cost_usd!, 12);
      expect(r.cost_usage_usd).toBeCloseTo(r.cost_usd!, 12);
    }
    const summary = await readJson(`${outDir}/summary.json`);
    expect(summary.reconciliation).toMatchObject({ cost_mismatches: 0, model_mismatches: 0, jobs: [] });
    expect(summary.estimate).toMatchObject({ jobs: 4, expect_tokens: 10, actual_usd: report.summary.overall.cost_usd, prompt_tokens_actual: report.summary.overall.native_tokens_prompt });
    expect(summary.estimate.low_usd).toBeLessThan(summary.estimate.high_usd);
    expect(stdout).toMatch(/\ncost: actual \$[\d.e-]+ vs estimate \$[\d.e-]+–\$[\d.e-]+ for 4 job\(s\)/);
    expect(stdout).not.toContain('mismatch');
    const csv = await readFile(`${outDir}/results.csv`, 'utf8');
    expect(csv.split('\n')[0]).toContain('cost_usd,cost_usage_usd,cost_estimate_usd,spent_usd');
  });

  it('flags a cost mismatch and a silent fallback that the simulator injects', async () => {
    const { rows, report, stdout } = await run(`models: [openai/gpt-4o-mini]
tasks:
  - { id: clean, prompt: fine }
  - { id: double, prompt: "pay twice [[mock: fault=cost_mismatch]]" }
  - { id: switch, prompt: "switch [[mock: fault=fallback model=google/gemini-2.5-flash]]" }
params: { max_tokens: 60 }
`);
    const byTask = new Map(rows.map((r) => [r.task_id, r]));
    expect(byTask.get('double')!.cost_usd).toBeCloseTo(2 * byTask.get('double')!.cost_estimate_usd!, 12);
    const r = report.summary.reconciliation!;
    // The fallback is priced as the other model, so its costs disagree with the estimate too.
    expect(r.cost_mismatches).toBe(2);
    expect(r.model_mismatches).toBe(1);
    // Sorted: the list follows the order jobs finished, which concurrency makes vary.
    expect(r.jobs.map((j) => [j.job_id === byTask.get('double')!.job_id ? 'double' : 'switch', j.kind]).sort()).toEqual([
      ['double', 'cost_mismatch'], ['switch', 'cost_mismatch'], ['switch', 'model_mismatch'],
    ]);
    expect(stdout).toContain('cost mismatch: 2 job(s)');
    expect(stdout).toContain('model mismatch: 1 job(s) answered by another model than requested (openai/gpt-4o-mini → google/gemini-2.5-flash-20250617)');
  });
});

describe('reasoning and provider routing', () => {
  it('passes reasoning and provider params through, captures reasoning text, and shows ttft vs ttfc and providers', async () => {
    const { rows, stdout, report } = await run(`models:
  - deepseek/deepseek-r1
  - id: anthropic/claude-sonnet-4.5
    label: sonnet
    params: { provider: { order: [anthropic], allow_fallbacks: false } }
tasks: [{ id: think, prompt: "Why is the sky blue? [[mock: ttft=5 itl=3]]" }]
params: { max_tokens: 200, reasoning: { effort: low } }
`);
    expect(report.exitCode).toBe(0);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.params.reasoning).toEqual({ effort: 'low' });
      expect(r.reasoning_text.length).toBeGreaterThan(0);
      expect(r.native_tokens_reasoning).toBeGreaterThan(0);
      // Thinking comes first: the first visible content arrives after the first token.
      expect(r.ttfc_ms!).toBeGreaterThan(r.ttft_ms!);
    }
    expect(rows.find((r) => r.model === 'anthropic/claude-sonnet-4.5')!.params.provider).toEqual({ order: ['anthropic'], allow_fallbacks: false });
    expect(stdout.split('\n')[0]).toMatch(/ttft p50\s+ttft p90\s+ttfc p50/);
    const providers = stdout.split('\n').find((l) => l.startsWith('providers: '))!;
    expect(providers).toMatch(/deepseek\/deepseek-r1: (DeepInfra|Together) 1/);
    expect(providers).toMatch(/sonnet: (Anthropic|Google|Amazon Bedrock) 1/);
    expect(report.summary.reconciliation!.model_mismatches).toBe(0);
  });
});
