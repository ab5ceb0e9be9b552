// Temp files a killed process left in a run folder: `results.jsonl.tmp-PID` and the like (an
// atomic write cut short) and `.write-test-PID` (the writability probe). Each names its writer,
// so only those of a process that is gone are removed: a live one may be writing them now.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pidAlive } from './lock.js';

const TEMP = /(?:\.tmp-|^\.write-test-)(\d+)$/;

/** Remove the stale temp files in `dir`; returns how many. A folder that cannot be read has none. */
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
