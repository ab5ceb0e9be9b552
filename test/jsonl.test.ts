import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonlLines, openJsonlAt, readJsonl, type TornLine } from '../src/store/jsonl.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

async function read(text: string | Buffer) {
  const file = ws.path('x.jsonl');
  await writeFile(file, text);
  const torn: TornLine[] = [];
  const lines = [];
  for await (const line of jsonlLines<{ n: number }>(file, { onTorn: (t) => torn.push(t) })) lines.push(line);
  return { lines, torn, file };
}

describe('jsonlLines', () => {
  it('reads objects with their line numbers and byte offsets', async () => {
    const { lines, torn } = await read('{"n":1}\n\n{"n":2}\n');
    expect(lines).toEqual([
      { value: { n: 1 }, line: 1, offset: 0 },
      { value: { n: 2 }, line: 3, offset: 9 },
    ]);
    expect(torn).toEqual([]);
  });

  it('skips a torn last line (no newline after it) and reports it as last', async () => {
    const { lines, torn } = await read('{"n":1}\n{"n":2}\n{"n":3,"te');
    expect(lines.map((l) => l.value.n)).toEqual([1, 2]);
    expect(torn).toEqual([{ line: 3, offset: 16, last: true }]);
  });

  it('keeps a whole last object that only lacks its newline', async () => {
    const { lines, torn } = await read('{"n":1}\n{"n":2}');
    expect(lines.map((l) => l.value.n)).toEqual([1, 2]);
    expect(torn).toEqual([]);
  });

  it('skips a torn line in the middle (a killed run, then a resume appended after it) and reads on', async () => {
    const { lines, torn } = await read('{"n":1}\n{"n":2,"te\n{"n":3}\n');
    expect(lines.map((l) => [l.value.n, l.line])).toEqual([[1, 1], [3, 3]]);
    expect(torn).toEqual([{ line: 2, offset: 8, last: false }]);
  });

  it('counts a line that is JSON but not an object as torn', async () => {
    const { lines, torn } = await read('{"n":1}\n42\n[1]\nnull\n');
    expect(lines.map((l) => l.value.n)).toEqual([1]);
    expect(torn.map((t) => t.line)).toEqual([2, 3, 4]);
  });

  it('reads CRLF line endings, with offsets that point at each line', async () => {
    const { lines, torn, file } = await read('{"n":1}\r\n{"n":22}\r\n\r\n{"n":3}\r\n');
    expect(lines.map((l) => [l.value.n, l.line, l.offset])).toEqual([[1, 1, 0], [22, 2, 9], [3, 4, 21]]);
    expect(torn).toEqual([]);
    const at = openJsonlAt<{ n: number }>(file);
    try {
      expect(lines.map((l) => at.read(l.offset).n)).toEqual([1, 22, 3]);
    } finally {
      at.close();
    }
  });

  it('reads nothing from an empty file or a missing one', async () => {
    expect((await read('')).lines).toEqual([]);
    const none = [];
    for await (const v of readJsonl(ws.path('missing.jsonl'))) none.push(v);
    expect(none).toEqual([]);
  });

  it('joins a line longer than a read chunk, multi-byte characters intact', async () => {
    const long = 'é€'.repeat(600_000); // 3 MB of UTF-8: spans several chunks
    const { lines, file } = await read(`{"n":1}\n${JSON.stringify({ n: 2, long })}\n{"n":3}\n`);
    expect(lines.map((l) => l.value.n)).toEqual([1, 2, 3]);
    expect((lines[1]!.value as unknown as { long: string }).long).toBe(long);
    const at = openJsonlAt<{ n: number }>(file);
    try {
      expect(at.read(lines[2]!.offset).n).toBe(3);
      expect(at.read(lines[1]!.offset).n).toBe(2);
    } finally {
      at.close();
    }
  });

  it('streams a 100 MB file: memory stays far below the file size', async () => {
    const file = ws.path('big.jsonl');
    const out = createWriteStream(file);
    const pad = 'x'.repeat(1000);
    const lines = 100_000;
    for (let n = 0; n < lines; n++) if (!out.write(`${JSON.stringify({ n, pad })}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'close');
    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = used();
    let peak = before;
    let count = 0;
    let sum = 0;
    for await (const row of readJsonl<{ n: number }>(file)) {
      count++;
      sum += row.n;
      if (count % 1000 === 0) peak = Math.max(peak, used());
    }
    expect(count).toBe(lines);
    expect(sum).toBe((lines * (lines - 1)) / 2);
    // Reading the file whole would hold ≥ 100 MB (its bytes, then its text).
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);
});
