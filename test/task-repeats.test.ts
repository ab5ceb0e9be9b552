// `repeats` per task and per dataset entry: the matrix's computed size equals the jobs it streams,
// under --tasks, --sample and --limit too, and a task's own repeats keep the other tasks' job ids.
import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../src/config/load.js';
import { resolveSuite, type ResolvedSuite } from '../src/config/resolve.js';
import { ConfigSchema } from '../src/config/schema.js';
import type { TaskSelection } from '../src/config/tasks.js';
import { matrixJobs } from './helpers/tasks.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const SUITE = (own: string) => `name: s
models: [openai/gpt-4o-mini, mock/echo]
repeats: 2
tasks:
  - { id: plain, prompt: hi }
  - { id: many, prompt: again, ${own} }
  - from: rows.csv
    id: 'r-{{ n }}'
    prompt: 'row {{ n }}'
    repeats: 3
`;

async function suiteOf(text: string): Promise<ResolvedSuite> {
  ws = await workspace({ 'suite.yaml': text, 'rows.csv': 'n\n1\n2\n3\n4\n' });
  return resolveSuite(await loadSuite(ws.path('suite.yaml')), ConfigSchema.parse({}));
}

const jobsOf = matrixJobs;

describe('repeats per task', () => {
  it("runs each task its own repeats (a dataset entry: every row), else the suite's", async () => {
    const { size, jobs } = await jobsOf(await suiteOf(SUITE('repeats: 5')));
    const count = (id: string) => jobs.filter((j) => j.task_id === id).length;
    // Two models: plain 2 × 2, many 5 × 2, each of four rows 3 × 2.
    expect([count('plain'), count('many'), count('r-1'), count('r-4')]).toEqual([4, 10, 6, 6]);
    expect(size).toBe(jobs.length);
    expect(jobs.map((j) => j.index)).toEqual(jobs.map((_, i) => i));
    expect(jobs.filter((j) => j.task_id === 'many' && j.model === 'mock/echo').map((j) => j.repeat)).toEqual([0, 1, 2, 3, 4]);
  });

  it.each([
    ['--limit', { limit: 3 }],
    ['--sample', { sample: 3, sampleSeed: 7 }],
    ['--sample and --limit', { sample: 4, limit: 2 }],
    ['--tasks', { tasks: ['many', 'r-2'] }],
  ] as const)('the computed size matches the jobs under %s', async (_, selection) => {
    const { size, jobs } = await jobsOf(await suiteOf(SUITE('repeats: 5')), selection as TaskSelection);
    expect(jobs.length).toBeGreaterThan(0);
    expect(size).toBe(jobs.length);
  });

  it("keeps the job ids of the repeats a task had: raising one task's repeats adds jobs, changes none", async () => {
    const before = (await jobsOf(await suiteOf(SUITE('repeats: 2')))).jobs.map((j) => j.job_id);
    await ws!.cleanup();
    const after = new Set((await jobsOf(await suiteOf(SUITE('repeats: 4')))).jobs.map((j) => j.job_id));
    expect(before.every((id) => after.has(id))).toBe(true);
    expect(after.size).toBe(before.length + 4);
  });

  it('refuses a repeats that is not a whole number from 1, at its line', async () => {
    await expect(suiteOf(SUITE('repeats: 0'))).rejects.toThrow(/suite\.yaml:6.*`repeats`/s);
  });
});
