// Temp files a killed process left (`*.tmp-PID`, `.write-test-PID`): removed only when their PID is gone.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from './lock.js';

const TEMP = /(?:\.tmp-|^\.write-test-)(\d+)$/;

export async function cleanStaleTemps(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const pid = Number(TEMP.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
