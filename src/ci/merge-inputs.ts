// `merge` inputs → run folders (folders of them, unexpanded globs); --out and earlier merges are skipped, so a merge can be rerun.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ConfigError } from '../errors.js';
import { RUN_FILE } from '../store/write.js';

const MAX_DEPTH = 4;

export interface MergeInputs {
  dirs: string[];
  skipped: string[];
}

export async function mergeInputs(args: readonly string[], cwd: string, outDir: string): Promise<MergeInputs> {
  const found = new Set<string>();
  const skipped = new Set<string>();
  const outside = (dir: string) => dir !== outDir && !dir.startsWith(outDir + sep);
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const matches = existsSync(path) || !isDynamicPattern(arg) ? [path] : (await glob(arg, { cwd, onlyDirectories: true, absolute: true, expandDirectories: false })).map((d) => resolve(d));
    if (matches.length === 0) throw new ConfigError(`${arg} matches no folder.`);
    for (const match of matches) {
      const all = (await runFoldersIn(match, arg)).filter(outside);
      const merges = all.length > 1 || all[0] !== match ? await earlierMerges(all) : [];
      for (const dir of merges) skipped.add(dir);
      const dirs = all.filter((dir) => !merges.includes(dir));
      if (dirs.length === 0) throw new ConfigError(`${arg} holds no run folder (none with a ${RUN_FILE}${outside(match) ? '' : ' besides --out'}).`);
      for (const dir of dirs) found.add(dir);
    }
  }
  return { dirs: [...found].sort(), skipped: [...skipped].sort() };
}

async function earlierMerges(dirs: string[]): Promise<string[]> {
  const isMerge = async (dir: string) => {
    try {
      return 'merged_from' in (JSON.parse(await readFile(join(dir, RUN_FILE), 'utf8')) as object);
    } catch {
      return false; // merge reads it again and says what is wrong with it
    }
  };
  const flags = await Promise.all(dirs.map(isMerge));
  return dirs.filter((_, i) => flags[i]);
}

async function runFoldersIn(path: string, arg: string): Promise<string[]> {
  if (!existsSync(path)) throw new ConfigError(`${arg} does not exist.`);
  if (existsSync(join(path, RUN_FILE))) return [path];
  if (!statSync(path).isDirectory()) throw new ConfigError(`${arg} is not a run folder (no ${RUN_FILE}).`);
  const files = await glob(`**/${RUN_FILE}`, { cwd: path, deep: MAX_DEPTH, absolute: true, ignore: ['**/node_modules/**', '**/responses/**'] });
  const dirs = files.map((file) => dirname(resolve(file))).sort();
  // A run folder inside another (rare) is the outer one's business.
  return dirs.filter((dir) => !dirs.some((other) => dir.startsWith(other + sep)));
}
