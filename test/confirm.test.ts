// A run over `confirm_above` (jobs, or USD at stake) is an accident until someone says yes: asked
// on a terminal, refused elsewhere (exit 2, nothing sent) unless --yes; CI and resumes go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { inCi } from '../src/run/confirm.js';
import { runSuite, type RunOptions } from '../src/run/index.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-confirm-test-key-0123456789';
let server: MockServer;
let ws: Workspace;
let n = 0;

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 1, itlMs: 0, tokens: 2, generationDelayMs: 5 });
  ws = await workspace({
    'agent-lab.config.yaml': `${FAST_CONFIG}confirm_above: { jobs: 10, usd: 5 }\n`,
    // 12 jobs: over the 10 the config allows.
    'many.yaml': 'name: many\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\nrepeats: 12\nparams: { max_tokens: 5 }\n',
    // 6 jobs at 60,000 max_tokens of claude-sonnet ($15 per million): a worst case of $5.40, over $5.
    // 5 of the same: a worst case of $4.50, under $5 until a warmup request adds its $0.90.
    'dear5.yaml': 'name: dear5\nmodels: [anthropic/claude-sonnet-4.5]\ntasks: [{ id: t, prompt: hi }]\nrepeats: 5\nparams: { max_tokens: 60000 }\n',
    'dear.yaml': 'name: dear\nmodels: [anthropic/claude-sonnet-4.5]\ntasks: [{ id: t, prompt: hi }]\nrepeats: 6\nparams: { max_tokens: 60000 }\n',
  });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

async function attempt(suitePath: string, options: Partial<RunOptions> = {}, extra: { env?: Record<string, string>; confirm?: (q: string) => Promise<boolean> } = {}) {
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache'), ...extra.env }, confirm: extra.confirm });
  const before = server.requests.length;
  const outcome = await runSuite({ suitePath, out: `out-${++n}`, history: false, ...options }, env).then(
    (report) => ({ report, error: null }),
    (error: unknown) => ({ report: null, error: error as ConfigError }),
  );
  return { ...outcome, sent: server.requests.length - before };
}

describe('confirm_above', () => {
  it('off a terminal: refuses a run over the job count with exit 2, nothing sent, and says to pass --yes', async () => {
    const { error, sent } = await attempt('many.yaml');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toMatch(/This run is large: 12 jobs \(confirm_above\.jobs is 10\)\. Nothing was sent\. Pass --yes/);
    expect(sent).toBe(0);
  });

  it('off a terminal: refuses a run whose worst case is over the USD limit, unless a cap keeps it under', async () => {
    const refused = await attempt('dear.yaml');
    expect(refused.error!.message).toMatch(/up to \$\d[\d,]*\.\d\d \(estimate \$.*–\$.*; confirm_above\.usd is \$5\.00\)/);
    expect(refused.sent).toBe(0);
    const capped = await attempt('dear.yaml', { maxCost: 4 });
    expect(capped.error).toBeNull();
    expect(capped.sent).toBe(6);
  });

  it('counts the warmup requests in the money at stake: they are paid for', async () => {
    const plain = await attempt('dear5.yaml');
    expect(plain.error).toBeNull();
    expect(plain.sent).toBe(5);
    const warmed = await attempt('dear5.yaml', { warmup: 1 });
    expect(warmed.error!.message).toMatch(/up to \$5\.40\d* \(estimate \$.*–\$5\.40\d*; confirm_above\.usd is \$5\.00\)/);
    expect(warmed.sent).toBe(0);
  });

  it('--yes, CI and a resume go on without asking', async () => {
    expect((await attempt('many.yaml', { yes: true })).sent).toBe(12);
    expect((await attempt('many.yaml', {}, { env: { CI: 'true' } })).sent).toBe(12);
    expect((await attempt('many.yaml', {}, { env: { GITHUB_ACTIONS: 'true' } })).sent).toBe(12);
    const first = await attempt('many.yaml', { yes: true, retryErrors: false });
    const resumed = await attempt('many.yaml', { resume: first.report!.outDir });
    expect(resumed.error).toBeNull();
  });

  it('on a terminal: asks, and runs only on yes', async () => {
    const asked: string[] = [];
    const no = await attempt('many.yaml', {}, { confirm: async (q) => (asked.push(q), false) });
    expect(asked).toEqual([expect.stringMatching(/^This run is large: 12 jobs .*Run it\? \[y\/N\] $/)]);
    expect(no.error!.message).toMatch(/^Not started: nothing was sent/);
    expect(no.sent).toBe(0);
    const yes = await attempt('many.yaml', {}, { confirm: async () => true });
    expect(yes.sent).toBe(12);
  });

  it('a run under both limits is not asked about', async () => {
    await ws.write('few.yaml', 'name: few\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\nrepeats: 3\nparams: { max_tokens: 5 }\n');
    const never = async (): Promise<boolean> => {
      throw new Error('asked');
    };
    expect((await attempt('few.yaml', {}, { confirm: never })).sent).toBe(3);
  });

  it('knows CI by CI=true and the services’ own variables, not by CI=false', () => {
    expect(inCi({ CI: 'true' })).toBe(true);
    expect(inCi({ CI: '1' })).toBe(true);
    expect(inCi({ GITLAB_CI: 'true' })).toBe(true);
    expect(inCi({ CI: 'false' })).toBe(false);
    expect(inCi({})).toBe(false);
  });
});

describe('the default limit, on the command line', () => {
  it('refuses 10,001 jobs off a terminal, and says to pass --yes', async () => {
    const w = await workspace({ 'suite.yaml': 'name: big\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: t, prompt: hi }]\nrepeats: 10001\n' });
    try {
      const refused = await runCli(['run', 'suite.yaml', '--mock', '--no-history'], { cwd: w.dir, env: { AGENT_LAB_CACHE_DIR: w.path('cache') } });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('This run is large: 10,001 jobs (confirm_above.jobs is 10,000)');
      expect(refused.stderr).toContain('Pass --yes');
    } finally {
      await w.cleanup();
    }
  });
});
