// The run-folder lock against real processes: a holder that is alive, one killed and left a
// zombie (its parent never reaps it, as in a container without an init), and a lock naming a
// live pid that belongs to some other process. The holders use the built lock (dist/).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { isLive, LOCK_FILE, lockRunDir, parseLock, type LockOwner, type Probe } from '../src/store/lock.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const LOCK_JS = new URL('../dist/store/lock.js', import.meta.url).href;
// Takes the lock of the folder in argv[2], says so, and holds it until killed.
const HOLDER = `const { lockRunDir } = await import(process.argv[1]); await lockRunDir(process.argv[2]); process.stdout.write('locked\\n'); setInterval(() => {}, 1e6);`;

const stat = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { state: fields[0]!, startTime: Number(fields[19]) };
};
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

/** Resolves once the holder says it has the lock; rejects with its stderr if it exits first. */
function locked(child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', () => reject(new Error(`the holder exited: ${stderr}`)));
  });
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let ws: Workspace;
const children: ChildProcess[] = [];
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
  await ws.cleanup();
});

const lockFile = () => ws.path(LOCK_FILE);
const owner = async () => parseLock(await readFile(lockFile(), 'utf8'))!;

describe.runIf(process.platform === 'linux')('the run-folder lock', () => {
  it('records pid, start time, boot id and host, and is released only by its holder', async () => {
    const unlock = await lockRunDir(ws.dir);
    const held = (await owner()) as LockOwner;
    expect(held).toMatchObject({ pid: process.pid, start_time: stat(process.pid).startTime, boot_id: bootId(), hostname: hostname() });
    expect(Date.parse(held.locked_at)).toBeGreaterThan(Date.now() - 60_000);
    await unlock();
    await expect(readFile(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });

    // A release after another process took the lock over leaves that process's lock alone.
    const unlockAgain = await lockRunDir(ws.dir);
    const other = JSON.stringify({ ...held, pid: process.ppid, start_time: stat(process.ppid).startTime });
    await writeFile(lockFile(), other);
    await unlockAgain();
    expect(await readFile(lockFile(), 'utf8')).toBe(other);
  });

  it('refuses a folder a live agent-lab holds, naming the process and how to clear a stale lock', async () => {
    const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, LOCK_JS, ws.dir]);
    children.push(holder);
    await locked(holder);
    const error = await lockRunDir(ws.dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${ws.dir} is in use by another agent-lab (pid ${holder.pid}): process \`${process.execPath} --input-type=module -e`);
    expect(message).toMatch(/…`, locked at 20\d\d-/);
    expect(message).toContain(`the lock is stale: delete ${lockFile()} and resume`);
  });

  it('takes over the lock of a holder killed and left a zombie by a parent that never reaps it', async () => {
    // `exec sleep` replaces the shell: the holder's parent is now a process that never waits.
    const parent = spawn('sh', ['-c', `"$0" --input-type=module -e "$1" "$2" "$3" & exec sleep 60`, process.execPath, HOLDER, LOCK_JS, ws.dir]);
    children.push(parent);
    const held = await until(async () => (await readFile(lockFile(), 'utf8').catch(() => null)) ?? undefined, 'the holder to lock');
    const pid = parseLock(held)!.pid;
    expect(pid).not.toBe(parent.pid);
    await expect(lockRunDir(ws.dir)).rejects.toThrow(/in use by another agent-lab/);

    process.kill(pid, 'SIGKILL');
    await until(() => (stat(pid).state === 'Z' ? true : undefined), 'the holder to be a zombie');
    // The zombie still answers kill(pid, 0): the old liveness check would have refused the folder.
    expect(() => process.kill(pid, 0)).not.toThrow();
    const unlock = await lockRunDir(ws.dir);
    expect((await owner()).pid).toBe(process.pid);
    await unlock();
  });

  it('takes over a lock naming a live pid that is another process (a pid reused after a restart)', async () => {
    const pid = process.ppid;
    const real = { pid, start_time: stat(pid).startTime, boot_id: bootId(), hostname: hostname(), locked_at: new Date().toISOString() };
    // The same pid with its real start time is that process, alive: refused.
    await writeFile(lockFile(), JSON.stringify(real));
    await expect(lockRunDir(ws.dir)).rejects.toThrow(`in use by another agent-lab (pid ${pid})`);
    // With another start time it is a process that got the pid later: the holder is gone.
    for (const stale of [{ start_time: real.start_time + 1234 }, { boot_id: 'another-boot' }, { hostname: `not-${hostname()}` }]) {
      await writeFile(lockFile(), JSON.stringify({ ...real, ...stale }));
      const unlock = await lockRunDir(ws.dir);
      expect((await owner()).pid, JSON.stringify(stale)).toBe(process.pid);
      await unlock();
    }
  });

  it('reads the pid-only locks of older versions: a live pid is refused, a dead one taken over', async () => {
    await writeFile(lockFile(), `${process.ppid}\n`);
    await expect(lockRunDir(ws.dir)).rejects.toThrow(`(pid ${process.ppid})`);
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    await writeFile(lockFile(), `${dead.pid}\n`);
    await (await lockRunDir(ws.dir))();
  });

  it('gives the folder to exactly one of several processes racing for a stale lock', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: process.ppid, start_time: 1, boot_id: bootId(), hostname: hostname(), locked_at: '' }));
    const racers = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', HOLDER, LOCK_JS, ws.dir]));
    children.push(...racers);
    const outcomes = await Promise.all(
      racers.map(
        (racer) =>
          new Promise<string>((resolve) => {
            racer.stdout!.once('data', () => resolve('locked'));
            racer.once('exit', () => resolve('refused'));
          }),
      ),
    );
    expect(outcomes.filter((o) => o === 'locked')).toHaveLength(1);
  });
});

describe('lock liveness', () => {
  const probe = (over: Partial<Probe>): Probe => ({ hostname: 'h', bootId: 'b', stat: () => undefined, exists: () => true, ...over });
  const lock = { pid: 42, start_time: 100, boot_id: 'b', hostname: 'h' };

  it('without /proc (macOS) falls back to kill(pid, 0), still on the same host only', () => {
    expect(isLive({ ...lock, start_time: null, boot_id: null }, probe({ bootId: null, exists: () => true }))).toBe(true);
    expect(isLive({ ...lock, start_time: null, boot_id: null }, probe({ bootId: null, exists: () => false }))).toBe(false);
    expect(isLive({ ...lock, hostname: 'other' }, probe({ exists: () => true }))).toBe(false);
  });

  it('treats a dead (X) or zombie (Z) process as gone and a running one with the same start time as live', () => {
    expect(isLive(lock, probe({ stat: () => ({ state: 'S', startTime: 100 }) }))).toBe(true);
    expect(isLive(lock, probe({ stat: () => ({ state: 'Z', startTime: 100 }) }))).toBe(false);
    expect(isLive(lock, probe({ stat: () => ({ state: 'X', startTime: 100 }) }))).toBe(false);
  });
});
