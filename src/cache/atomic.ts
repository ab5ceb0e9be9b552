// A file replaced in one step (temp + rename): a reader sees the old file or the new one, never half.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Temp files end so (`<file>.<pid>-<random>.tmp`): readers skip them, `cache clear` removes them. */
export const TEMP_SUFFIX = '.tmp';

export async function writeFileAtomic(file: string, text: string, mode?: { file: number; dir: number }): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: mode?.dir });
    await writeFile(temp, text, { flag: 'wx', mode: mode?.file });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
