// One process per run folder. Two at once (a nightly cron job that overlaps the last one, a
// resume typed while the run is still going) would append to the same journal and send the
// same jobs twice. The lock is a file holding the owner's pid; a lock whose process is gone
// (kill -9, a crash) is stale and taken over, so a resume after a crash just works.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export const LOCK_FILE = '.agent-lab.lock';

/** Take the folder's lock; the returned function releases it. */
export async function lockRunDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, LOCK_FILE);
  for (let tries = 0; tries < 3; tries++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new ConfigError(`${dir} is in use by another agent-lab (pid ${owner}). Wait for it to finish or stop it, then resume.`);
    }
    await rm(file, { force: true });
  }
  throw new ConfigError(`Could not take the lock ${file}: another agent-lab keeps taking it.`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
