// Reading back what a run wrote: JSONL rows (results.jsonl, history.jsonl) and JSON files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobResult } from '../../src/types/result.js';

export interface ReadOptions {
  /** Drop lines that are not JSON, as a writer killed mid-line leaves them (default: such a line fails the test). */
  torn?: boolean;
  /** A file that does not exist (yet) reads as no rows (default: it fails the test). */
  optional?: boolean;
}

/** Every line of a JSONL file, parsed; an empty file has none. */
export async function readJsonl<T>(file: string, { torn = false, optional = false }: ReadOptions = {}): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.trim() ? text.trim().split('\n') : [];
  return lines.flatMap((line, i) => {
    try {
      return [JSON.parse(line) as T];
    } catch (error) {
      if (torn) return [];
      throw new Error(`${file}:${i + 1} is not JSON: ${(error as Error).message}`);
    }
  });
}

/** The rows of a run folder's results.jsonl. */
export const readResults = (dir: string, options?: ReadOptions): Promise<JobResult[]> => readJsonl<JobResult>(join(dir, 'results.jsonl'), options);

/** A JSON file (summary.json, run.json), parsed. */
export async function readJson<T = Record<string, any>>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}
