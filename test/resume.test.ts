// Crash safety: kill -9 in the middle of a run, resume, and check with the simulator's own
// request log that no finished job was sent again and every job has exactly one ok row.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import type { JobResult } from '../src/types.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const KEY = 'sk-or-v1-resume-test-key-0123456789';

function suite(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }`).join('\n');
  return `name: resume\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nconcurrency: 4\n`;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string, env: Record<string, string>, onStart?: (kill: (s: NodeJS.Signals) => void, out: () => string) => void): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    onStart?.((s) => child.kill(s), () => stdout + stderr);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function rowsOf(file: string): Promise<JobResult[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JobResult];
      } catch {
        return [];
      }
    });
}

let server: MockServer;
let ws: Workspace;
const env = () => ({ OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url });

beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 40, itlMs: 5, tokens: 10, generationDelayMs: 50 });
  ws = await workspace({ 'suite.yaml': suite(24), 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

describe('kill -9 and resume', () => {
  it('never re-sends a finished job and ends with one ok row per job', async () => {
    // Kill as soon as a few jobs are on disk: some finished, some in flight, some never sent.
    const first = await cli(['run', 'suite.yaml', '--out', 'out'], ws.dir, env(), (kill) => {
      const timer = setInterval(async () => {
        const done = await rowsOf(ws.path('out/results.jsonl')).catch(() => []);
        if (done.length >= 6) {
          clearInterval(timer);
          kill('SIGKILL');
        }
      }, 10);
    });
    expect(first.signal).toBe('SIGKILL');
    const before = await rowsOf(ws.path('out/results.jsonl'));
    const finished = new Set(before.filter((r) => r.status === 'ok').map((r) => r.job_id));
    expect(finished.size).toBeGreaterThanOrEqual(6);
    expect(finished.size).toBeLessThan(24);
    const sentBefore = server.requests.length;

    const second = await cli(['run', 'suite.yaml', '--resume', 'out'], ws.dir, env());
    expect(second.code).toBe(0);
    const resent = server.requests.slice(sentBefore).map((r) => r.job).filter((job) => job && finished.has(job));
    expect(resent).toEqual([]);

    const after = await rowsOf(ws.path('out/results.jsonl'));
    expect(after).toHaveLength(24);
    expect(new Set(after.map((r) => r.job_id)).size).toBe(24);
    expect(after.every((r) => r.status === 'ok')).toBe(true);
    // Rows that were pending when the process died get their cost on resume or stay honestly pending.
    expect(after.every((r) => r.cost_source === 'generation' || r.cost_source === 'pending')).toBe(true);
    const summary = JSON.parse(await readFile(ws.path('out/summary.json'), 'utf8'));
    expect(summary.overall.n).toBe(24);
  });

  it('refuses to resume a changed suite unless --force', async () => {
    const w = await workspace({ 'suite.yaml': suite(2), 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      expect((await cli(['run', 'suite.yaml', '--out', 'out'], w.dir, env())).code).toBe(0);
      await w.write('suite.yaml', suite(3));
      const refused = await cli(['run', 'suite.yaml', '--resume', 'out'], w.dir, env());
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/suite changed/);
      const sent = server.requests.length;
      const forced = await cli(['run', 'suite.yaml', '--resume', 'out', '--force'], w.dir, env());
      expect(forced.code).toBe(0);
      // Only the new task was sent.
      expect(server.requests.length - sent).toBe(1);
      expect(await rowsOf(w.path('out/results.jsonl'))).toHaveLength(3);
    } finally {
      await w.cleanup();
    }
  });
});

describe('Ctrl-C', () => {
  it('stops dispatching, writes what finished, prints the resume command and exits 130', async () => {
    const w = await workspace({ 'suite.yaml': suite(40), 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const result = await cli(['run', 'suite.yaml', '--out', 'out'], w.dir, env(), (kill) => {
        const timer = setInterval(async () => {
          const done = await rowsOf(w.path('out/results.jsonl')).catch(() => []);
          if (done.length >= 4) {
            clearInterval(timer);
            kill('SIGINT');
          }
        }, 10);
      });
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('Resume with: agent-lab run suite.yaml --resume out');
      const rows = await rowsOf(w.path('out/results.jsonl'));
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(rows.length).toBeLessThan(40);
      expect(rows.every((r) => r.status === 'ok')).toBe(true);
      const summary = JSON.parse(await readFile(w.path('out/summary.json'), 'utf8'));
      expect(summary.status).toBe('interrupted');
      expect(summary.overall.n).toBe(rows.length);
      const resumed = await cli(['run', 'suite.yaml', '--resume', 'out'], w.dir, env());
      expect(resumed.code).toBe(0);
      expect(await rowsOf(w.path('out/results.jsonl'))).toHaveLength(40);
    } finally {
      await w.cleanup();
    }
  });
});
