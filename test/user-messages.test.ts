// What a new user trips over first: each message names a fix that exists for the command in
// hand, and a resumed run never mixes simulated answers with real ones.
import { createServer } from 'node:net';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCommand } from '../src/models/command.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { planSuite, runSuite } from '../src/run/index.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-user-messages-test-0123456789';
const SUITE = `
name: msgs
models: [meta-llama/llama-3.1-8b-instruct]
tasks:
  - { id: a, prompt: One. }
  - { id: b, prompt: Two. }
params: { max_tokens: 20 }
`;

let ws: Workspace;
let server: MockServer;
/** A port with nothing listening on it. */
let closedPort: number;

beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1 });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

const envWith = (vars: Record<string, string> = {}) => memoryEnv({ cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache'), ...vars } });
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { exitCode: number };
  }
  throw new Error('expected the command to fail');
};

describe('preflight messages', () => {
  it('plan, with /models unreachable, does not suggest --no-preflight (plan has no such flag)', async () => {
    const error = await failure(planSuite({ suitePath: 'suite.yaml', baseUrl: `http://127.0.0.1:${closedPort}/api/v1` }, envWith()));
    expect(error.message).toMatch(/^Preflight: Could not fetch the model list/);
    expect(error.message).toContain('a plan needs the prices from /models');
    expect(error.message).not.toContain('--no-preflight');
  });

  it('run, with /models unreachable, offers --no-preflight', async () => {
    const error = await failure(runSuite({ suitePath: 'suite.yaml', out: 'unreachable', baseUrl: `http://127.0.0.1:${closedPort}/api/v1`, history: false }, envWith({ OPENROUTER_API_KEY: KEY })));
    expect(error.message).toContain('pass --no-preflight to run without checking models and prices');
  });

  it('a base URL without /api/v1 (a 404 on /models) says what the base URL should look like', async () => {
    const bare = server.url.replace(/\/api\/v1$/, '');
    const error = await failure(planSuite({ suitePath: 'suite.yaml', baseUrl: bare }, envWith()));
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('Check --base-url: it ends in the API path, e.g. https://openrouter.ai/api/v1');
  });
});

describe('models', () => {
  it('an unknown id on --mock names the simulator, not its throwaway loopback port', async () => {
    const error = await failure(modelsCommand('openai/gpt-4o-mni', { mock: true }, envWith()));
    expect(error.exitCode).toBe(EXIT.config);
    expect(error.message).toBe('Unknown model `openai/gpt-4o-mni` at the built-in simulator. Did you mean `openai/gpt-4o-mini`?');
  });
});

describe('resume and the simulator', () => {
  let journal: string;
  beforeAll(async () => {
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'real', baseUrl: server.url, history: false }, envWith({ OPENROUTER_API_KEY: KEY }));
    expect(report.exitCode).toBe(EXIT.ok);
    await runSuite({ suitePath: 'suite.yaml', out: 'sim', mock: true, history: false }, envWith());
    journal = await readFile(ws.path('real/results.jsonl'), 'utf8');
  });

  it('a real run resumed without a key is told to set it, not to pass --mock', async () => {
    const error = await failure(runSuite({ suitePath: 'suite.yaml', resume: 'real', baseUrl: server.url, history: false }, envWith()));
    expect(error.exitCode).toBe(EXIT.config);
    expect(error.message).toContain('No API key: set OPENROUTER_API_KEY');
    expect(error.message).not.toContain('--mock');
  });

  it('a new run without a key is offered --mock', async () => {
    const error = await failure(runSuite({ suitePath: 'suite.yaml', out: 'nokey', history: false }, envWith()));
    expect(error.message).toContain('or pass --mock to run on the built-in simulator');
  });

  it('refuses to resume a real run with --mock (exit 2), and leaves its journal alone', async () => {
    const error = await failure(runSuite({ suitePath: 'suite.yaml', resume: 'real', mock: true, retryErrors: true, history: false }, envWith()));
    expect(error.exitCode).toBe(EXIT.config);
    expect(error.message).toMatch(/real\b.* was run against a real endpoint \(without --mock\): resume it the same way/);
    expect(await readFile(ws.path('real/results.jsonl'), 'utf8')).toBe(journal);
  });

  it('refuses to resume a simulated run against a real endpoint', async () => {
    const before = server.requests.length;
    const error = await failure(runSuite({ suitePath: 'suite.yaml', resume: 'sim', baseUrl: server.url, history: false }, envWith({ OPENROUTER_API_KEY: KEY })));
    expect(error.exitCode).toBe(EXIT.config);
    expect(error.message).toContain('was run on the built-in simulator (--mock)');
    expect(server.requests.length).toBe(before);
  });

  it('a new run into a folder that holds a run is refused (exit 2), the old run untouched', async () => {
    const error = await failure(runSuite({ suitePath: 'suite.yaml', out: 'real', baseUrl: server.url, history: false }, envWith({ OPENROUTER_API_KEY: KEY })));
    expect(error.exitCode).toBe(EXIT.config);
    expect(error.message).toBe('real already holds a run (run.json): resume it with `agent-lab resume real`, or choose another --out.');
    expect(await readFile(ws.path('real/results.jsonl'), 'utf8')).toBe(journal);
  });

  it('resumes a real run the same way it ran', async () => {
    const report = await runSuite({ suitePath: 'suite.yaml', resume: 'real', baseUrl: server.url, history: false }, envWith({ OPENROUTER_API_KEY: KEY }));
    expect(report.exitCode).toBe(EXIT.ok);
    expect(report.summary.overall.n).toBe(2);
  });
});

describe('--help', () => {
  it('mock-server states its port default once', async () => {
    const { stdout: help } = await runCli(['mock-server', '--help']);
    expect(help).toMatch(/--port <n>\s+port \(default: a free one\)\n/);
    expect(help).not.toContain('(default: 0)');
  });

  it('mock-server refuses a figure that is not a number, and a bad --fault, as usage errors (exit 2)', async () => {
    const ttft = await runCli(['mock-server', '--ttft', 'abc']);
    expect(ttft.code).toBe(EXIT.config);
    expect(ttft.stderr).toContain('Expected `ttft` to be a number from 0 and up');
    const fault = await runCli(['mock-server', '--fault', 'no_such_fault']);
    expect(fault.code).toBe(EXIT.config);
    expect(fault.stderr).toMatch(/^agent-lab: mock directive: unknown fault `no_such_fault`/);
  });
});
