// `agent-lab resume DIR` runs the same command again from what run.json recorded, with no list of
// flags kept by hand: every replayable option survives the round trip. SAMPLE names every key of
// ReplayOptions (its type says so), so a new run option does not compile here until it has a
// sample value, and from then on this file checks that resume brings it back.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import type { ReplayOptions, RunOptions } from '../src/run/options.js';
import { resumeOptions } from '../src/run/resume.js';
import { runCli } from './helpers/cli.js';
import { readJson, readJsonl } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `name: replay
models: [openai/gpt-4o-mini, mock/echo]
system_prompts: { plain: '', terse: Be brief. }
tasks:
  - { id: a, prompt: one, checks: [{ contains: o }] }
  - { id: b, prompt: two }
`;

/** Every key, each with a value: a key added to RunOptions and not here is a type error. */
type Every<T> = { [K in keyof Required<T>]: Exclude<T[K], undefined> };

/** A value for every replayable option, none of them a default, all valid together. */
const SAMPLE: Every<ReplayOptions> = {
  suitePath: 'suite.yaml',
  mock: true,
  configPath: 'agent-lab.config.yaml',
  baseUrl: 'http://127.0.0.1:9/api/v1',
  filter: { models: ['openai/gpt-4o-mini'], tasks: ['a'], prompts: ['plain', 'terse'] },
  params: { temperature: 0.5 },
  strictParams: true,
  shard: { index: 1, count: 2 },
  vars: { lang: 'French' },
  limit: 1,
  sample: 1,
  sampleSeed: 7,
  concurrency: 3,
  maxCost: 1,
  preflight: true,
  expectTokens: 99,
  logLevel: 'error',
  saveResponses: true,
  gates: { max_total_cost: 5 },
  junit: 'reports/junit.xml',
  baseline: 'base',
  failOn: 'cost>+1000%',
  history: 'trend/history.jsonl',
  metricsFile: 'metrics/agent-lab.prom',
  // Set to a loopback receiver in beforeAll: a closed port would cost every run the retries' backoff.
  pushgateway: 'http://127.0.0.1:9',
  pushJob: 'replayed',
  otlp: 'http://127.0.0.1:9/v1/metrics',
  stream: false,
  cache: true,
  cacheDir: 'answers',
  cacheMode: 'refresh',
  allowOutsideFiles: true,
  yes: true,
  requestRate: 50,
  arrival: 'poisson',
  warmup: 1,
};
/** The options that name a file or folder: recorded absolute. */
const PATHS = ['suitePath', 'configPath', 'junit', 'baseline', 'history', 'metricsFile', 'cacheDir'] as const;

let ws: Workspace;
let receiver: Server;
const received: string[] = [];
const env = () => memoryEnv({ cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache') } });
const fast = { ttftMs: 2, itlMs: 1, generationDelayMs: 5 };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume().on('end', () => res.end());
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  Object.assign(SAMPLE, { pushgateway: url, otlp: `${url}/v1/metrics` });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  await runSuite({ suitePath: 'suite.yaml', out: 'base', mock: true, mockOptions: fast, history: false }, env());
}, 30_000);
afterAll(async () => {
  await ws.cleanup();
  await new Promise((done) => receiver.close(done));
});

describe('resume replays every option run.json recorded', () => {
  let expected: Record<string, unknown>;
  beforeAll(() => void (expected = { ...SAMPLE, ...Object.fromEntries(PATHS.map((key) => [key, ws.path(String(SAMPLE[key]))])) }));

  it('records each replayable option (paths absolute) and none of this invocation only', async () => {
    const first: RunOptions = { ...SAMPLE, out: 'out', mockOptions: fast };
    await runSuite(first, env());
    const recorded = (await readJson(ws.path('out/run.json'))).options;
    expect(Object.keys(recorded).sort()).toEqual(Object.keys(SAMPLE).sort());
    expect(recorded).toStrictEqual(expected);
  });

  it('gives each back to the resumed run, which records the same again', async () => {
    const options = await resumeOptions('out', {}, ws.dir);
    expect(options).toStrictEqual({ ...expected, resume: 'out' });
    await runSuite({ ...options, mockOptions: fast }, env());
    expect((await readJson(ws.path('out/run.json'))).options).toStrictEqual(expected);
    // Both runs sent their metrics where the replayed flags say.
    expect(received.filter((r) => r === 'PUT /metrics/job/replayed/suite/replay')).toHaveLength(2);
    expect(received.filter((r) => r === 'POST /v1/metrics')).toHaveLength(2);
    expect(existsSync(ws.path('metrics/agent-lab.prom'))).toBe(true);
  });

  it('lets every option given to resume win, and ignores the ones not given', async () => {
    const given: Partial<RunOptions> = { concurrency: 7, maxCost: 2, baseUrl: 'http://127.0.0.1:8/api/v1', logLevel: 'debug', retryErrors: true, force: undefined };
    const options = await resumeOptions('out', given, ws.dir);
    expect(options).toStrictEqual({ ...expected, concurrency: 7, maxCost: 2, baseUrl: 'http://127.0.0.1:8/api/v1', logLevel: 'debug', retryErrors: true, resume: 'out' });
  });

  it('still resumes a run folder written before run.json recorded the options (`invocation`)', async () => {
    const info = await readJson(ws.path('base/run.json'));
    const { options: _options, ...rest } = info;
    const legacy = {
      ...rest,
      filter: { tasks: ['b'] },
      cli_params: { seed: 3 },
      invocation: { config_path: ws.path('agent-lab.config.yaml'), concurrency: 2, log_level: 'warn', save_responses: true, gates: { max_total_cost: 9 }, junit: ws.path('j.xml'), strict_params: true },
    };
    await writeFile(ws.path('base/run.json'), JSON.stringify(legacy));
    expect(await resumeOptions('base', { force: true }, ws.dir)).toStrictEqual({
      suitePath: ws.path('suite.yaml'),
      configPath: ws.path('agent-lab.config.yaml'),
      mock: true,
      filter: { tasks: ['b'] },
      params: { seed: 3 },
      saveResponses: true,
      shard: undefined,
      gates: { max_total_cost: 9 },
      junit: ws.path('j.xml'),
      strictParams: true,
      preflight: true,
      baseUrl: undefined,
      concurrency: 2,
      maxCost: undefined,
      logLevel: 'warn',
      force: true,
      resume: 'base',
    });
  });
});

describe('agent-lab resume on the command line', () => {
  it('keeps --no-history and --history FILE from the run', async () => {
    const cli = async (...args: string[]) => (await runCli(args, { cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache') } })).code;
    expect(await cli('run', 'suite.yaml', '--mock', '--out', 'quiet', '--no-history', '--models', 'mock/echo')).toBe(0);
    expect(await cli('run', 'suite.yaml', '--mock', '--out', 'kept', '--history', 'mine.jsonl', '--models', 'mock/echo')).toBe(0);
    expect(await cli('resume', 'quiet', '--retry-errors')).toBe(0);
    expect(await cli('resume', 'kept', '--retry-errors')).toBe(0);
    expect(existsSync(ws.path('results/history.jsonl'))).toBe(false);
    expect(await readJsonl(ws.path('mine.jsonl'))).toHaveLength(2);
  });
});
