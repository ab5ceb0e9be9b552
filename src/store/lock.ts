// One process per run folder, or jobs are sent twice. A pid alone cannot tell liveness (zombies without
// an init, pids reused after a restart): the lock also names start time, boot id and host.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export const LOCK_FILE = '.agent-lab.lock';

export interface LockOwner {
  pid: number;
  /** Start of the process in clock ticks since boot (/proc/<pid>/stat field 22); null without /proc. */
  start_time: number | null;
  /** /proc/sys/kernel/random/boot_id; null without it. */
  boot_id: string | null;
  hostname: string;
  locked_at: string;
}

/** A lock file's content as read: older versions wrote the pid alone. */
export type LockRecord = Pick<LockOwner, 'pid'> & Partial<LockOwner>;

type Stat = { state: string; startTime: number } | undefined;

export interface Probe {
  hostname: string;
  bootId: string | null;
  stat(pid: number): Stat;
  /** kill(pid, 0): the fallback where there is no /proc (macOS, BSD). */
  exists(pid: number): boolean;
}

/** Take the folder's lock; the returned function releases it (only while it is still this process's). */
export async function lockRunDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  const text = `${JSON.stringify(self())}\n`;
  for (let tries = 0; tries < 3; tries++) {
    if (await create(file, text)) return () => release(file, text);
    const held = await readFile(file, 'utf8').catch(() => null);
    if (held === null) continue;
    const owner = parseLock(held);
    if (owner && owner.pid !== process.pid && isLive(owner)) throw new ConfigError(busyMessage(dir, file, owner));
    await removeStale(file, held);
  }
  throw new ConfigError(`Could not take the lock ${file}: another agent-lab keeps taking it.`);
}

export function isLive(owner: LockRecord, probe: Probe = systemProbe()): boolean {
  // Another machine, container or boot: the process cannot be seen from here, and after a reboot it is surely gone.
  if (owner.hostname !== undefined && owner.hostname !== probe.hostname) return false;
  if (owner.boot_id && probe.bootId && owner.boot_id !== probe.bootId) return false;
  const stat = probe.stat(owner.pid);
  // Not in /proc: gone, or hidden (macOS has no /proc; hidepid hides other users' processes).
  if (stat === undefined) return probe.exists(owner.pid);
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return owner.start_time === null || owner.start_time === undefined || stat.startTime === owner.start_time;
}

/** Whether a process of this pid runs on this machine (a pid alone: no start time to tell a reused one). */
export const pidAlive = (pid: number): boolean => isLive({ pid });

export function parseLock(text: string): LockRecord | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? { pid: value } : null;
    return value && Number.isInteger(value.pid) && value.pid! > 0 ? (value as LockOwner) : null;
  } catch {
    return null;
  }
}

export function systemProbe(): Probe {
  return { hostname: hostname(), bootId: bootId(), stat: procStat, exists };
}

function self(): LockOwner {
  return { pid: process.pid, start_time: procStat(process.pid)?.startTime ?? null, boot_id: bootId(), hostname: hostname(), locked_at: new Date().toISOString() };
}

/** The lock file appears whole or not at all: written aside, then linked (which fails if it exists). */
async function create(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, text);
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    await rm(temp, { force: true });
  }
}

/** Moved aside, then checked: another process may have replaced it in between, and its lock goes back. */
async function removeStale(file: string, stale: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((await readFile(aside, 'utf8')) !== stale) await link(aside, file).catch(() => {});
  await rm(aside, { force: true });
}

async function release(file: string, text: string): Promise<void> {
  if ((await readFile(file, 'utf8').catch(() => null)) === text) await rm(file, { force: true });
}

function busyMessage(dir: string, file: string, owner: LockRecord): string {
  const name = procName(owner.pid);
  const what = [name ? `process \`${name}\`` : '', owner.locked_at ? `locked at ${owner.locked_at}` : ''].filter(Boolean).join(', ');
  return (
    `${dir} is in use by another agent-lab (pid ${owner.pid})${what ? `: ${what}` : ''}. Wait for it to finish or stop it, then resume. ` +
    `If that process is not an agent-lab working on this folder, the lock is stale: delete ${file} and resume.`
  );
}

function procStat(pid: number): Stat {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last one.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, startTime: Number(fields[19]) };
}

/** The holder's command line (cut to 120 characters), which says more than its name: Node 24 names its main thread `MainThread`. */
function procName(pid: number): string | null {
  try {
    const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return line.length > 120 ? `${line.slice(0, 119)}…` : line || null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
