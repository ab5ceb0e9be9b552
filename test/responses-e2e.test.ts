// responses.md and the Responses section from real runs on the simulator: written at the end of a
// run beside report.html, by `merge`, and by `agent-lab report` (with --baseline joined on job_id).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import { mergeRuns } from '../src/ci/merge.js';
import { runCli } from './helpers/cli.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `
name: answers
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
system_prompts: { terse: Answer briefly. }
tasks:
  - { id: greet, prompt: "Say hello", checks: [{ contains: "the" }] }
  - { id: colour, prompt: "Name a colour" }
params: { max_tokens: 30 }
concurrency: 4
`;

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
  await runSuite({ suitePath: 'suite.yaml', out: 'base', mock: true, params: { seed: 1 } }, memoryEnv({ cwd: ws.dir }));
}, 60_000);
afterAll(async () => {
  await ws.cleanup();
});

const text = (rel: string) => readFile(ws.path(rel), 'utf8');
/** The Responses section's summary line of a report (a failing match then prints one line, not the page). */
const meta = async (rel: string) => /<p class="note" id="responses-meta">(.*?)<\/p>/.exec(await text(rel))?.[1];

describe('responses.md and the Responses section from real runs', () => {
  it('a run writes responses.md beside report.html, every answer in it, task by task in suite order', async () => {
    const md = await text('base/responses.md');
    const rows = await readResults(ws.path('base'));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(md).toContain(`\`\`\`text\n${r.output_text}\n\`\`\``);
    expect(md.indexOf('## Task `greet`')).toBeLessThan(md.indexOf('## Task `colour`'));
    expect(md).toMatch(/1\. openai\/gpt-4o-mini · terse \(`openai\/gpt-4o-mini`\)\n2\. meta-llama\/llama-3\.1-8b-instruct · terse/);
    expect(await meta('base/report.html')).toMatch(/^2 task\(s\) × 2 column\(s\) \(model · system prompt\), 4 job\(s\)\. /);
  });

  it('run --baseline joins the baseline answers on job_id; report DIR --baseline rebuilds with them', async () => {
    // The same suite and params: the same job ids (a different seed would be other jobs).
    await runSuite({ suitePath: 'suite.yaml', out: 'next', mock: true, params: { seed: 1 }, baseline: 'base' }, memoryEnv({ cwd: ws.dir }));
    expect(await meta('next/report.html')).toContain('4 job(s) have a baseline answer to diff against');
    const plain = await runCli(['report', 'next'], { cwd: ws.dir });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('report: next/report.html\nresponses: next/responses.md\n');
    expect(await meta('next/report.html')).not.toContain('baseline');
    const joined = await runCli(['report', 'next', '--baseline', 'base/summary.json'], { cwd: ws.dir });
    expect(joined.code).toBe(0);
    expect(await meta('next/report.html')).toContain('4 job(s) have a baseline answer to diff against');
    const missing = await runCli(['report', 'next', '--baseline', 'nowhere'], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/The baseline nowhere does not exist/);
  });

  it('merge writes responses.md and report.html for the merged rows', async () => {
    for (const shard of [1, 2]) await runSuite({ suitePath: 'suite.yaml', out: `s${shard}`, mock: true, shard: { index: shard, count: 2 } }, memoryEnv({ cwd: ws.dir }));
    const merged = await mergeRuns({ dirs: ['s1', 's2'], out: 'merged' }, memoryEnv({ cwd: ws.dir }));
    expect(merged.coverage.missing).toBe(0);
    const md = await text('merged/responses.md');
    for (const r of await readResults(ws.path('merged'))) expect(md).toContain(r.output_text);
    expect(await meta('merged/report.html')).toMatch(/^2 task\(s\) × 2 column\(s\) \(model · system prompt\), 4 job\(s\)\. /);
  });
});
