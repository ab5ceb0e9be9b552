// `timeout -s INT 2h agent-lab run ...` (a cron or CI time limit) sends SIGINT twice at once: to
// its child, then to its whole process group, which holds the child too. Mostly the kernel merges
// the two; when it does not, the second one aborted the jobs in flight at once instead of giving
// them their grace. Two SIGINTs a few milliseconds apart are one Ctrl-C.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../src/types/result.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// Each answer takes 2.5 s to its first token; the Ctrl-C comes while the first two are in flight.
const SUITE = `
name: slow
models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: 4 }, (_, i) => `  - { id: t${i}, prompt: "slow ${i} [[mock: ttft=2500 tokens=3]]" }`).join('\n')}
params: { max_tokens: 20 }
concurrency: 2
`;

let ws: Workspace;
beforeAll(async () => {
  // Info logging: the run's first line tells the test when dispatch begins.
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG.replace('log_level: warn', 'log_level: info') });
});
afterAll(() => ws.cleanup());

describe('two SIGINTs at once', () => {
  it('are one Ctrl-C: the jobs in flight finish ok within the grace, exit 130', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', 'suite.yaml', '--mock', '--out', 'out', '--no-history'], {
        cwd: ws.dir,
        env: { PATH: process.env.PATH!, AGENT_LAB_CACHE_DIR: ws.path('cache') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      let signalled = false;
      child.stderr.on('data', (d: Buffer) => {
        err += d;
        // Once the run has started (its first line), give the two requests time to be sent.
        if (signalled || !err.includes('concurrency 2')) return;
        signalled = true;
        setTimeout(() => {
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 15);
        }, 500);
      });
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('Stopping: no new jobs');
    expect(stderr).not.toContain('Aborting in-flight jobs');
    const rows = (await readFile(ws.path('out/results.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JobResult);
    // The two in flight finished with their answers; the two never sent have no row.
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok']);
  }, 30_000);
});
