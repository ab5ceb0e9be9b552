// A --fail-on gate that compared nothing is not a pass. When the baseline shares no model ×
// system prompt with the current run (a prompt id or a model renamed since), every rule checks
// nothing; that used to print "gate passed" and exit 0, so a CI gate could pass forever.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompareCommand } from '../src/compare/command.js';
import { memoryEnv } from '../src/env.js';
import { EXIT } from '../src/errors.js';
import { runSuite } from '../src/run/index.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const suite = (prompt: string) => `
name: renamed
models: [meta-llama/llama-3.1-8b-instruct]
system_prompts:
  ${prompt}: Answer in one sentence.
tasks:
  - { id: a, prompt: One. }
params: { max_tokens: 20 }
`;
const fast = { ttftMs: 5, itlMs: 1 };

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace({ 'old.yaml': suite('terse'), 'new.yaml': suite('brief'), 'agent-lab.config.yaml': FAST_CONFIG });
  await runSuite({ suitePath: 'old.yaml', out: 'base', mock: true, history: false, mockOptions: fast }, memoryEnv({ cwd: ws.dir }));
  await runSuite({ suitePath: 'old.yaml', out: 'same', mock: true, history: false, mockOptions: fast }, memoryEnv({ cwd: ws.dir }));
  await runSuite({ suitePath: 'new.yaml', out: 'cur', mock: true, history: false, mockOptions: fast }, memoryEnv({ cwd: ws.dir }));
});
afterAll(() => ws.cleanup());

describe('a comparison with nothing in both runs', () => {
  it('compare --fail-on: the gate is unknown and the exit code 1, not a pass', async () => {
    const env = memoryEnv({ cwd: ws.dir });
    expect(await runCompareCommand({ baseline: 'base', current: 'cur', failOn: 'cost>+10%' }, env)).toBe(EXIT.jobs_failed);
    expect(env.out()).toContain('gate unknown: no model × system prompt is in both runs, so cost>+10% checked nothing.');
    expect(env.out()).not.toContain('gate passed');
    expect(await readFile(ws.path('cur/compare.md'), 'utf8')).toContain('- gate: **unknown (nothing in both runs)**');
  });

  it('without rules it is only a report (exit 0); with shared groups and no change, a pass (exit 0)', async () => {
    expect(await runCompareCommand({ baseline: 'base', current: 'cur' }, memoryEnv({ cwd: ws.dir }))).toBe(EXIT.ok);
    const env = memoryEnv({ cwd: ws.dir });
    expect(await runCompareCommand({ baseline: 'base', current: 'same', failOn: 'cost>+10%' }, env)).toBe(EXIT.ok);
    expect(env.out()).toContain('gate passed');
  });

  it('run --baseline --fail-on: exit 1 as well', async () => {
    const env = memoryEnv({ cwd: ws.dir });
    const report = await runSuite({ suitePath: 'new.yaml', out: 'cur-2', mock: true, history: false, mockOptions: fast, baseline: 'base', failOn: 'cost>+10%' }, env);
    expect(report.summary.overall.ok).toBe(1);
    expect(report.exitCode).toBe(EXIT.jobs_failed);
    expect(env.out()).toContain('gate unknown');
  });
});
