// Crash safety: kill -9 in the middle of a run, resume, and check with the simulator's own
// request log that no finished job was sent again and every job has exactly one ok row.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import type { JobResult } from '../src/types/result.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';
import { waitFor } from './helpers/wait.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-resume-test-key-0123456789';

function suite(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }`).join('\n');
  return `name: resume\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nconcurrency: 4\n`;
}

const cli = (args: string[], cwd: string, env: Record<string, string>) => runCli(args, { cwd, env });

/** The rows of a run folder; a line a killed run was writing is torn. */
const rowsOf = (dir: string): Promise<JobResult[]> => readResults(dir, { torn: true, optional: true });

/** The simulator has the cost record of this generation (it answers /generation 404 until then). */
const costReady = async (id: string) => {
  const res = await fetch(`${server.url}/generation?id=${id}`, { headers: { authorization: `Bearer ${KEY}` } });
  await res.arrayBuffer();
  return res.status === 200;
};

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
    const run = spawnCli(['run', 'suite.yaml', '--out', 'out'], { cwd: ws.dir, env: env() });
    await run.until(async () => (await rowsOf(ws.path('out'))).length >= 6, { what: '6 rows on disk' });
    run.child.kill('SIGKILL');
    const first = await run.exit;
    expect(first.signal).toBe('SIGKILL');
    const before = await rowsOf(ws.path('out'));
    const finished = new Set(before.filter((r) => r.status === 'ok').map((r) => r.job_id));
    expect(finished.size).toBeGreaterThanOrEqual(6);
    expect(finished.size).toBeLessThan(24);
    const sentBefore = server.requests.length;

    const second = await cli(['run', 'suite.yaml', '--resume', 'out'], ws.dir, env());
    expect(second.code).toBe(0);
    const resent = server.requests.slice(sentBefore).map((r) => r.job).filter((job) => job && finished.has(job));
    expect(resent).toEqual([]);

    const after = await rowsOf(ws.path('out'));
    expect(after).toHaveLength(24);
    expect(new Set(after.map((r) => r.job_id)).size).toBe(24);
    expect(after.every((r) => r.status === 'ok')).toBe(true);
    // Rows whose cost was pending when the process died get it on resume.
    expect(after.every((r) => r.cost_source === 'generation')).toBe(true);
    const summary = await readJson(ws.path('out/summary.json'));
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
      expect(await rowsOf(w.path('out'))).toHaveLength(3);
    } finally {
      await w.cleanup();
    }
  });
});

describe('Ctrl-C', () => {
  it('stops dispatching, writes what finished, prints the resume command and exits 130', async () => {
    const w = await workspace({ 'suite.yaml': suite(40), 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const run = spawnCli(['run', 'suite.yaml', '--out', 'out'], { cwd: w.dir, env: env() });
      await run.until(async () => (await rowsOf(w.path('out'))).length >= 4, { what: '4 rows on disk' });
      run.child.kill('SIGINT');
      const result = await run.exit;
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('Resume with: agent-lab resume out');
      const rows = await rowsOf(w.path('out'));
      expect(rows.length).toBeGreaterThanOrEqual(4);
      expect(rows.length).toBeLessThan(40);
      expect(rows.every((r) => r.status === 'ok')).toBe(true);
      const summary = await readJson(w.path('out/summary.json'));
      expect(summary.status).toBe('interrupted');
      expect(summary.overall.n).toBe(rows.length);
      // The printed command works as printed.
      const resumed = await cli(['resume', 'out'], w.dir, env());
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(await rowsOf(w.path('out'))).toHaveLength(40);
    } finally {
      await w.cleanup();
    }
  });

  it('a second Ctrl-C aborts in-flight jobs at once, still writes everything, and resume runs them again', async () => {
    // Every first attempt stalls for 20 s (the idle timeout is 60 s): only an abort ends them.
    const tasks = Array.from({ length: 4 }, (_, i) => `  - { id: s${i}, prompt: "slow ${i} [[mock: fault=stall after=1 ms=20000 times=1]]" }`).join('\n');
    const w = await workspace({ 'suite.yaml': `name: stall\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nconcurrency: 4\n`, 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const sent = server.requests.length;
      const run = spawnCli(['run', 'suite.yaml', '--out', 'out'], { cwd: w.dir, env: { ...env(), AGENT_LAB_GRACE_MS: '30000' } });
      await run.until(() => server.requests.slice(sent).filter((r) => r.first_token_at !== null).length === 4, { what: '4 streams started' });
      run.child.kill('SIGINT');
      // The CLI took the first one; a second within 100 ms of it would count as the same Ctrl-C.
      await run.until(() => run.err().includes('Stopping: no new jobs'), { what: 'the first Ctrl-C taken' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const secondAt = Date.now();
      run.child.kill('SIGINT');
      const result = await run.exit;
      const exitedAfter = Date.now() - secondAt;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('Aborting in-flight jobs');
      // Far sooner than the 30 s grace or the 20 s stall.
      expect(exitedAfter).toBeLessThan(5000);
      const rows = await rowsOf(w.path('out'));
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => [r.status, r.error_kind])).toEqual(Array(4).fill(['error', 'aborted']));
      const summary = await readJson(w.path('out/summary.json'));
      expect(summary).toMatchObject({ status: 'interrupted', overall: { n: 4, errors: 4 } });
      // Aborted jobs never got an answer: a plain resume (no --retry-errors) runs them again.
      const before = server.requests.length;
      const resumed = await cli(['resume', 'out'], w.dir, env());
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(server.requests.length - before).toBe(4);
      expect((await rowsOf(w.path('out'))).map((r) => r.status)).toEqual(Array(4).fill('ok'));
    } finally {
      await w.cleanup();
    }
  });
});

describe('SIGTERM (cron, CI cancel, docker stop)', () => {
  it('aborts in flight at once, writes the reports and the resume command, exits 130', async () => {
    const tasks = Array.from({ length: 3 }, (_, i) => `  - { id: k${i}, prompt: "term ${i} [[mock: fault=stall after=1 ms=20000 times=1]]" }`).join('\n');
    const w = await workspace({ 'suite.yaml': `name: term\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\n`, 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const sent = server.requests.length;
      const run = spawnCli(['run', 'suite.yaml', '--out', 'out'], { cwd: w.dir, env: env() });
      await run.until(() => server.requests.slice(sent).filter((r) => r.first_token_at !== null).length === 3, { what: '3 streams started' });
      const termAt = Date.now();
      run.child.kill('SIGTERM');
      const result = await run.exit;
      expect(result.code, result.stderr).toBe(130);
      expect(Date.now() - termAt).toBeLessThan(5000);
      expect(result.stderr).toContain('Resume with: agent-lab resume out');
      const summary = await readJson(w.path('out/summary.json'));
      expect(summary).toMatchObject({ status: 'interrupted', overall: { n: 3 } });
      expect((await rowsOf(w.path('out'))).map((r) => r.error_kind)).toEqual(['aborted', 'aborted', 'aborted']);
    } finally {
      await w.cleanup();
    }
  });
});

describe('Ctrl-C grace', () => {
  it('one Ctrl-C waits for in-flight jobs only as long as the grace, then aborts them', async () => {
    const tasks = Array.from({ length: 2 }, (_, i) => `  - { id: g${i}, prompt: "grace ${i} [[mock: fault=stall after=1 ms=20000 times=1]]" }`).join('\n');
    const w = await workspace({ 'suite.yaml': `name: grace\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\n`, 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const sent = server.requests.length;
      const run = spawnCli(['run', 'suite.yaml', '--out', 'out'], { cwd: w.dir, env: { ...env(), AGENT_LAB_GRACE_MS: '800' } });
      await run.until(() => server.requests.slice(sent).filter((r) => r.first_token_at !== null).length === 2, { what: '2 streams started' });
      const sigintAt = Date.now();
      run.child.kill('SIGINT');
      const result = await run.exit;
      const took = Date.now() - sigintAt;
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toContain('waiting up to 800 ms');
      expect(took).toBeGreaterThanOrEqual(750);
      expect(took).toBeLessThan(5000);
      const rows = await rowsOf(w.path('out'));
      expect(rows.map((r) => r.error_kind)).toEqual(['aborted', 'aborted']);
    } finally {
      await w.cleanup();
    }
  });
});

describe('resume', () => {
  it('survives a torn last line: the half-written job runs again and no later row is glued to it', async () => {
    const w = await workspace({ 'suite.yaml': suite(3), 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      expect((await cli(['run', 'suite.yaml', '--out', 'out'], w.dir, env())).code).toBe(0);
      const lines = (await readFile(w.path('out/results.jsonl'), 'utf8')).trimEnd().split('\n');
      const torn = JSON.parse(lines[2]!) as JobResult;
      // What kill -9 in the middle of a write leaves: half a line, no newline.
      await writeFile(w.path('out/results.jsonl'), `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 200)}`);
      const before = server.requests.length;
      const resumed = await cli(['resume', 'out'], w.dir, env());
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/1 torn line/);
      expect(server.requests.slice(before).map((r) => r.job)).toEqual([torn.job_id]);
      const rows = await rowsOf(w.path('out'));
      expect(rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(new Set(rows.map((r) => r.job_id)).size).toBe(3);
    } finally {
      await w.cleanup();
    }
  });

  it('refuses a folder another live agent-lab holds, and takes over the lock of a dead one', async () => {
    const w = await workspace({ 'suite.yaml': suite(2), 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      expect((await cli(['run', 'suite.yaml', '--out', 'out'], w.dir, env())).code).toBe(0);
      expect(existsSync(w.path('out/.agent-lab.lock'))).toBe(false);
      // This test process is alive: as if a run were still going in the folder.
      await writeFile(w.path('out/.agent-lab.lock'), `${process.pid}\n`);
      const before = server.requests.length;
      const busy = await cli(['resume', 'out', '--retry-errors'], w.dir, env());
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`in use by another agent-lab (pid ${process.pid})`);
      // A pid that has exited: what kill -9 leaves behind.
      const dead = spawn(process.execPath, ['-e', '']);
      await new Promise((r) => dead.on('exit', r));
      await writeFile(w.path('out/.agent-lab.lock'), `${dead.pid}\n`);
      await w.write('suite.yaml', suite(3));
      const taken = await cli(['resume', 'out', '--force'], w.dir, env());
      expect(taken.code, taken.stderr).toBe(0);
      expect(server.requests.length - before).toBe(1);
      expect(existsSync(w.path('out/.agent-lab.lock'))).toBe(false);
    } finally {
      await w.cleanup();
    }
  });

  it('fetches the costs an earlier run was still waiting for, without sending the jobs again', async () => {
    const w = await workspace({
      'suite.yaml': `name: late\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - { id: a, prompt: "late a [[mock: fault=generation_delay ms=1200]]" }\n  - { id: b, prompt: "late b [[mock: fault=generation_delay ms=1200]]" }\n`,
      'agent-lab.config.yaml': FAST_CONFIG.replace('max_wait_ms: 5000', 'max_wait_ms: 200'),
    });
    try {
      expect((await cli(['run', 'suite.yaml', '--out', 'out'], w.dir, env())).code).toBe(0);
      const pending = await rowsOf(w.path('out'));
      expect(pending.map((r) => r.cost_source)).toEqual(['pending', 'pending']);
      // The resume must find the records there: wait until the simulator has them (1.2 s after each stream).
      await waitFor(async () => (await Promise.all(pending.map((r) => costReady(r.generation_id!)))).every(Boolean), { what: 'the late /generation records' });
      const before = server.requests.length;
      await w.write('agent-lab.config.yaml', FAST_CONFIG);
      const resumed = await cli(['resume', 'out'], w.dir, env());
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(server.requests.length).toBe(before);
      const rows = await rowsOf(w.path('out'));
      expect(rows.map((r) => r.cost_source)).toEqual(['generation', 'generation']);
      expect(rows.every((r) => r.cost_usd! > 0 && r.native_tokens_prompt! > 0)).toBe(true);
    } finally {
      await w.cleanup();
    }
  });

  it('`agent-lab resume DIR` repeats the original filters and params; errors re-run only with --retry-errors', async () => {
    const w = await workspace({
      'suite.yaml': `name: filtered\nmodels: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]\ntasks:\n  - { id: good, prompt: hello }\n  - { id: flaky, prompt: "hi [[mock: fault=bad_request times=1]]" }\n`,
      'agent-lab.config.yaml': FAST_CONFIG,
    });
    try {
      const first = await cli(['run', 'suite.yaml', '--out', 'out', '--models', 'openai/gpt-4o-mini', '--max-tokens', '7'], w.dir, env());
      expect(first.code).toBe(1);
      const before = server.requests.length;
      // Nothing to do: the ok job is done and the error is kept without --retry-errors.
      expect((await cli(['resume', 'out'], w.dir, env())).code).toBe(1);
      expect(server.requests.length).toBe(before);
      const retried = await cli(['resume', 'out', '--retry-errors'], w.dir, env());
      expect(retried.code, retried.stderr).toBe(0);
      // Only the failed job, and still only the filtered model with the --max-tokens flag.
      const sent = server.requests.slice(before);
      expect(sent.map((r) => r.model)).toEqual(['openai/gpt-4o-mini']);
      const rows = await rowsOf(w.path('out'));
      expect(rows.map((r) => [r.task_id, r.model, r.status, r.params.max_tokens])).toEqual([
        ['good', 'openai/gpt-4o-mini', 'ok', 7],
        ['flaky', 'openai/gpt-4o-mini', 'ok', 7],
      ]);
      const missing = await cli(['resume', 'nowhere'], w.dir, env());
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/not a run folder agent-lab can resume/);
    } finally {
      await w.cleanup();
    }
  });
});
