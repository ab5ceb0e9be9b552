// The disk under a run: full during finalize (a real full tmpfs), read-only, pulled away mid-run,
// littered with the temp files of a killed process. Each ends in one clear sentence, the journal
// intact for a resume, and no temp file left behind.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentLabError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { COSTS_FILE, RESULTS_FILE } from '../src/store/journal.js';
import { cleanStaleTemps } from '../src/store/temps.js';
import { finalize, prepareOutDir } from '../src/store/write.js';
import { spawnCli } from './helpers/cli.js';
import { readResults } from './helpers/results.js';
import { row } from './helpers/rows.js';
import { FAST_CONFIG, workspace } from './helpers/workspace.js';

/** A tmpfs of `size` at a fresh folder, or null where mounting is not permitted (not root, no CAP_SYS_ADMIN). */
function tmpfs(size: string, options = ''): { dir: string; unmount(): void } | null {
  const dir = join(tmpdir(), `agent-lab-tmpfs-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const canMount = (() => {
  const probe = tmpfs('64k');
  probe?.unmount();
  return probe !== null;
})();
if (!canMount) console.warn('disk-faults: mount -t tmpfs is not permitted here; the full-disk and read-only tests are skipped');

const temps = async (dir: string) => (await readdir(dir)).filter((f) => /\.tmp-\d+$/.test(f));

describe.runIf(canMount)('a full disk during finalize (a 4 MiB tmpfs)', () => {
  let disk: ReturnType<typeof tmpfs>;
  beforeAll(() => {
    disk = tmpfs('4m');
  });
  afterAll(() => disk?.unmount());

  it('is one clear error, leaves no temp file and the journal as it was; with room again, finalize works', async () => {
    const dir = join(disk!.dir, 'run');
    mkdirSync(dir);
    // 400 rows of ~2.5 KB: a 1 MB journal that finalize copies to results.jsonl and results.csv.
    const rows = Array.from({ length: 400 }, (_, i) => row({ job_id: `j${i}`, started_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), output_text: 'x'.repeat(2500) }));
    await writeFile(join(dir, RESULTS_FILE), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    await writeFile(join(dir, COSTS_FILE), `${JSON.stringify({ job_id: 'j0', started_at: rows[0]!.started_at, cost_usd: 0.5 })}\n`);
    const journal = await readFile(join(dir, RESULTS_FILE));
    // Leave 300 KB: less than finalize needs.
    const free = await statfs(disk!.dir);
    await writeFile(join(disk!.dir, 'filler'), Buffer.alloc(Number(free.bavail) * Number(free.bsize) - 300 * 1024));

    const meta = { run_id: 'r', suite: 's', started_at: rows[0]!.started_at, finished_at: rows[0]!.started_at, status: 'ok' as const };
    const error = await finalize(dir, meta).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AgentLabError);
    expect((error as Error).message).toMatch(/^Could not write the final results in .*\/run: the disk is full \(ENOSPC.*\)\. Nothing was lost: the journal is as it was and the temporary files are removed\. Free some space, then run `agent-lab resume .*\/run`/);
    expect(await temps(dir)).toEqual([]);
    expect((await readFile(join(dir, RESULTS_FILE))).equals(journal)).toBe(true);
    expect(existsSync(join(dir, COSTS_FILE))).toBe(true);

    await rm(join(disk!.dir, 'filler'));
    const summary = await finalize(dir, meta);
    expect(summary.overall.n).toBe(400);
    expect(existsSync(join(dir, 'results.csv'))).toBe(true);
    expect((await readResults(dir)).find((r) => r.job_id === 'j0')!.cost_usd).toBe(0.5);
  });
});

describe.runIf(canMount)('a read-only mount', () => {
  it('is reported as read-only, not as a folder that does not exist', async () => {
    const disk = tmpfs('64k', ',ro')!;
    try {
      const error = await prepareOutDir(join(disk.dir, 'results', 'run')).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/^Cannot write to the output folder .*\/results\/run: .*read-only file system/);
      expect((error as Error).message).not.toMatch(/ENOENT|does not exist/);
    } finally {
      disk.unmount();
    }
  });
});

describe('stale temp files', () => {
  it('are removed when the process that wrote them is dead, kept while it lives', async () => {
    const w = await workspace();
    try {
      const dead = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => dead.on('exit', resolve));
      for (const name of [`results.jsonl.tmp-${dead.pid}`, `results.csv.tmp-${dead.pid}`, `summary.json.tmp-${dead.pid}`, `.write-test-${dead.pid}`, `summary.json.tmp-${process.pid}`, 'notes.tmp-x']) {
        await writeFile(w.path(name), 'partial');
      }
      expect(await cleanStaleTemps(w.dir)).toBe(4);
      expect((await readdir(w.dir)).sort()).toEqual(['notes.tmp-x', `summary.json.tmp-${process.pid}`]);
    } finally {
      await w.cleanup();
    }
  });
});

describe('a run folder deleted mid-run', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ ttftMs: 200, itlMs: 5, tokens: 5, generationDelayMs: 10 });
  });
  afterAll(() => server.close());

  it('is noticed within about a second: nothing more is sent, and the exit says what happened', async () => {
    const tasks = Array.from({ length: 40 }, (_, i) => `  - { id: t${i}, prompt: "q ${i}" }`).join('\n');
    const w = await workspace({ 'suite.yaml': `name: gone\nmodels: [openai/gpt-4o-mini]\ntasks:\n${tasks}\nconcurrency: 2\n`, 'agent-lab.config.yaml': FAST_CONFIG });
    try {
      const run = spawnCli(['run', 'suite.yaml', '--out', 'out', '--no-history'], { cwd: w.dir, env: { OPENROUTER_API_KEY: 'k', OPENROUTER_BASE_URL: server.url } });
      await run.until(async () => (await readResults(w.path('out'), { torn: true, optional: true })).length >= 2, { what: '2 rows on disk' });
      await rm(w.path('out'), { recursive: true, force: true });
      const deletedAt = Date.now();
      const result = await run.exit;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/The run folder out was deleted while the run was going: no new jobs were sent after that/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      // At most the jobs already in flight (2), plus one dispatched in the instant before the check.
      const after = server.requests.filter((r) => r.received_at > deletedAt + 1500);
      expect(after).toEqual([]);
      expect(server.requests.length).toBeLessThan(40);
    } finally {
      await w.cleanup();
    }
  });
});
