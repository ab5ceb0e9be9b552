// run and resume cap V8's young generation at 16 MB (cli/signals.ts batchHeap): it is all resident,
// so each doubling past that is 16 MB more RSS for no CPU saved. Allocation that keeps objects
// alive across a few collections, in bursts as a run's waves come, must not grow it past the cap.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspace, type Workspace } from './helpers/workspace.js';

const SCRIPT = `
import { getHeapSpaceStatistics } from 'node:v8';
import { setImmediate as tick } from 'node:timers/promises';
const { batchHeap } = await import(process.argv[2]);
batchHeap();
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let max = young();
const kept = [];
const started = Date.now();
while (Date.now() - started < 1500) {
  for (let i = 0; i < 20000; i++) kept.push({ i, text: 'row ' + i, at: [i, i + 1] });
  if (kept.length > 200000) kept.splice(0, 100000);
  await tick();
  max = Math.max(max, young());
}
console.log(JSON.stringify({ max }));
`;

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace({ 'young.mjs': SCRIPT });
});
afterEach(async () => {
  await ws.cleanup();
});

describe('batchHeap', () => {
  it('keeps the young generation at 16 MB through bursts of allocation, and lets the process exit', async () => {
    const signals = new URL('../dist/cli/signals.js', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, [ws.path('young.mjs'), signals], { timeout: 20_000 });
    const { max } = JSON.parse(stdout) as { max: number };
    // A 250 ms timer let the first burst double it once more, to 32 MB.
    expect(max / 1024 / 1024).toBeLessThanOrEqual(16);
    expect(max / 1024 / 1024).toBeGreaterThanOrEqual(8);
  });
});
