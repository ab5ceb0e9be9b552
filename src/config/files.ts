// The one way agent-lab reads a file a suite names (prompt_file, a system prompt's file, a
// json_schema file; datasets and images too): a regular file, under the suite's folder unless
// the user opts out, and never more than a bound. A path from a suite is input like any other:
// `/dev/zero` would fill memory, a FIFO would hang the run for ever, and `../../etc/shadow`
// would be read and sent to a model (issue 19).
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';

/** Bigger than any sane suite or prompt: refused before it is read into memory. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface FileRules {
  /** The suite's folder: relative paths resolve from it, and files must be under it. */
  base: string;
  /** `allow_outside_files: true` in the suite, or --allow-outside-files. */
  allowOutside: boolean;
  maxBytes?: number;
}

export type FileRead = { ok: true; path: string; bytes: Buffer } | { ok: false; path: string; problem: string };

/** Read a file a suite names, or say in a few words what is wrong with it (the caller adds where). */
export async function readSuiteFile(written: string, rules: FileRules): Promise<FileRead> {
  const path = resolve(rules.base, written);
  try {
    // Symlinks resolved on both sides: a link inside the folder that points out is outside.
    const [real, base] = await Promise.all([realpath(path), realpath(rules.base)]);
    if (!rules.allowOutside && !isInside(base, real)) {
      return { ok: false, path, problem: outside(base) };
    }
    return { ok: true, path, bytes: await readRegular(real, rules.maxBytes ?? MAX_FILE_BYTES) };
  } catch (error) {
    return { ok: false, path, problem: problemOf(error) };
  }
}

/** A regular file's bytes, up to `maxBytes`; anything else throws a FileProblem. */
export async function readRegular(path: string, maxBytes: number = MAX_FILE_BYTES): Promise<Buffer> {
  // stat first: opening a FIFO for reading blocks until a writer comes, which may be never.
  const info = await stat(path);
  if (!info.isFile()) throw new FileProblem(notRegular(info));
  // O_NONBLOCK in case the path was swapped for a FIFO since; fstat then checks what was opened.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new FileProblem(notRegular(opened));
    if (opened.size > maxBytes) throw new FileProblem(tooBig(opened.size, maxBytes));
    // Read at most one byte past the bound: a file that grows while read is still refused.
    const buffer = Buffer.alloc(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = (await handle.read(buffer, length, buffer.length - length, length)).bytesRead;
    if (length > maxBytes) throw new FileProblem(tooBig(length, maxBytes));
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/**
 * A file a suite names that is streamed later (a dataset) or read with its own cap (an image):
 * the same rules as readSuiteFile, checked without reading it. `path` is where it really is.
 */
export async function checkSuiteFile(written: string, rules: FileRules): Promise<{ ok: true; path: string; size: number } | { ok: false; path: string; problem: string }> {
  const path = resolve(rules.base, written);
  try {
    const [real, base] = await Promise.all([realpath(path), realpath(rules.base)]);
    if (!rules.allowOutside && !isInside(base, real)) return { ok: false, path, problem: outside(base) };
    const info = await stat(real);
    if (!info.isFile()) return { ok: false, path, problem: notRegular(info) };
    return { ok: true, path: real, size: info.size };
  } catch (error) {
    return { ok: false, path, problem: problemOf(error) };
  }
}

const outside = (base: string) => `is outside the suite's folder ${base}: agent-lab reads only files under it, unless the suite sets \`allow_outside_files: true\` (or the run gets --allow-outside-files)`;

export class FileProblem extends Error {}

function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function notRegular(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return 'is a folder, not a file';
  const kind = info.isFIFO() ? 'a named pipe (FIFO)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a plain file';
  return `is ${kind}, not a regular file: point at a text file`;
}

const tooBig = (size: number, max: number) => `is ${(size / 1024 / 1024).toFixed(1)} MiB, over the ${(max / 1024 / 1024).toFixed(0)} MiB limit: point at a smaller file`;

/** A file error in a few words, by its code; the path is the caller's to say. */
export function problemOf(error: unknown): string {
  if (error instanceof FileProblem) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'is a loop of symbolic links';
  return `cannot be read: ${(error as Error).message}`;
}
