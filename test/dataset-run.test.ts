// A dataset through the whole run on the simulator: the streamed matrix feeds resume's todo
// filter, --shard, the cost cap's skipped rows, and preflight's image warning; --var, --limit and
// --sample are recorded in run.json and replayed by `resume`.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { resumeOptions } from '../src/run/resume.js';
import { planSuite, runSuite, type RunOptions } from '../src/run/index.js';
import type { RunInfo } from '../src/store/run-info.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex');
const ROWS = Array.from({ length: 12 }, (_, i) => JSON.stringify({ n: i, q: `question ${i}` })).join('\n');
const SUITE = `name: ds
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
params: { max_tokens: 20 }
tasks:
  - from: q.jsonl
    id: "q-{{ n }}"
    prompt: "{{ q }} in {{ lang }}"
vars: { lang: English }
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startMockServer({ ttftMs: 2, itlMs: 1, generationDelayMs: 5 });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await ws?.cleanup();
});

/** Run the suite in the current workspace against the simulator. */
async function run(options: Partial<RunOptions>) {
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-test', OPENROUTER_BASE_URL: server.url } });
  const report = await runSuite({ suitePath: 'suite.yaml', history: false, ...options }, env);
  return { report, env };
}

describe('a dataset run', () => {
  it('resume sends only the jobs without a row, reading the dataset again', async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'q.jsonl': ROWS, 'agent-lab.config.yaml': FAST_CONFIG });
    await run({ out: 'out' });
    const rows = await readResults(ws.path('out'));
    expect(rows).toHaveLength(24);
    // Keep 10 rows, as if the run had been killed after them.
    const file = ws.path('out/results.jsonl');
    await writeFile(file, (await readFile(file, 'utf8')).split('\n').slice(0, 10).join('\n') + '\n');
    const before = server.requests.length;
    const { report } = await run({ out: undefined, resume: 'out' });
    expect(report.exitCode).toBe(0);
    expect(server.requests.length - before).toBe(14);
    expect((await readResults(ws.path('out'))).map((r) => r.job_id).sort()).toEqual(rows.map((r) => r.job_id).sort());
  });

  it('two shards cover the matrix exactly once, and run.json lists each shard\'s ids', async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'q.jsonl': ROWS, 'agent-lab.config.yaml': FAST_CONFIG });
    await run({ out: 'all' });
    await run({ out: 's1', shard: { index: 1, count: 2 } });
    await run({ out: 's2', shard: { index: 2, count: 2 } });
    const ids = async (dir: string) => (await readResults(ws.path(dir))).map((r) => r.job_id).sort();
    const [all, s1, s2] = await Promise.all([ids('all'), ids('s1'), ids('s2')]);
    expect(s1.length + s2.length).toBe(24);
    expect([...s1, ...s2].sort()).toEqual(all);
    const info = JSON.parse(await readFile(ws.path('s1/run.json'), 'utf8')) as RunInfo;
    expect(info.matrix_size).toBe(24);
    expect([...info.shard!.job_ids].sort()).toEqual(s1);
  });

  it('a cost cap keeps the rest back as skipped rows, found by a second pass over the dataset', async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'q.jsonl': ROWS, 'agent-lab.config.yaml': FAST_CONFIG });
    const { report } = await run({ out: 'out', maxCost: 0.00003, concurrency: 1 });
    const rows = await readResults(ws.path('out'));
    expect(report.status).toBe('budget');
    expect(rows).toHaveLength(24);
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((r) => r.error_kind === 'budget' && r.prompt_sha256.length === 64 && r.vars.lang === 'English')).toBe(true);
  });

  it('--var, --limit and --sample shape the run, are recorded, and resume replays them', async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'q.jsonl': ROWS, 'agent-lab.config.yaml': FAST_CONFIG });
    await run({ out: 'out', vars: { lang: 'French' }, sample: 5, sampleSeed: 3, limit: 4, filter: { models: ['openai/gpt-4o-mini'] } });
    const rows = await readResults(ws.path('out'));
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.vars.lang === 'French')).toBe(true);
    const replayed = await resumeOptions('out', {}, ws.dir);
    expect(replayed).toMatchObject({ vars: { lang: 'French' }, sample: 5, sampleSeed: 3, limit: 4 });
    const before = server.requests.length;
    const { report } = await run({ ...replayed, resume: join(ws.dir, 'out') });
    expect(report.exitCode).toBe(0);
    expect(server.requests.length).toBe(before);
  });

  it('preflight warns when a model with images lists no image input', async () => {
    const suite = `name: pics\nmodels: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]\nparams: { max_tokens: 5 }\ntasks:\n  - id: p\n    prompt: what is it?\n    images: [pic.png]\n`;
    ws = await workspace({ 'suite.yaml': suite, 'agent-lab.config.yaml': FAST_CONFIG });
    await writeFile(ws.path('pic.png'), PNG);
    const { env } = await run({ out: 'out', logLevel: 'warn' });
    expect(env.err()).toContain('meta-llama/llama-3.1-8b-instruct lists input_modalities text in /models, without image');
    expect(env.err()).not.toContain('openai/gpt-4o-mini lists input_modalities');
    const rows = await readResults(ws.path('out'));
    expect(rows.every((r) => r.status === 'ok')).toBe(true);
  });

  it('plan shows what --sample, --limit and --var selected, and the jobs they make', async () => {
    ws = await workspace({ 'suite.yaml': SUITE, 'q.jsonl': ROWS, 'agent-lab.config.yaml': FAST_CONFIG });
    const env = memoryEnv({ cwd: ws.dir });
    const report = await planSuite({ suitePath: 'suite.yaml', mock: true, sample: 6, limit: 5, vars: { lang: 'French' } }, env);
    expect(report.plan.jobs).toBe(10);
    expect(env.out()).toContain("tasks: 5 of the suite's tasks (--sample 6 --sample-seed 1, --limit 5).");
    expect(env.out()).toContain('--var: lang="French" (over the suite\'s vars and every row\'s fields).');
    expect(report.plan.selection).toHaveLength(2);
    const whole = await planSuite({ suitePath: 'suite.yaml', mock: true }, memoryEnv({ cwd: ws.dir }));
    expect(whole.plan.jobs).toBe(24);
    expect(whole.plan.selection).toBeUndefined();
  });
});
