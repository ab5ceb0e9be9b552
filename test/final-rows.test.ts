// Issue 16: a new run's journal is folded in one pass with no index of its jobs (finalize's
// memory flat in the number of jobs). It must give exactly what the indexed reading gives: every
// row once, in journal order, each with its own cost record, whatever order the costs came in.
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../src/store/journal.js';
import { finalRows } from '../src/store/journal-read.js';
import type { JobResult } from '../src/types/result.js';
import { row } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace;
afterEach(() => ws?.cleanup());

const collect = async (rows: AsyncIterable<JobResult>) => {
  const out: JobResult[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe('finalRows of a fresh journal', () => {
  it('matches the indexed reading, with costs that arrived late and out of order', async () => {
    ws = await workspace();
    const journal = openJournal(ws.dir);
    expect(journal.fresh).toBe(true);
    // 40 jobs: every fifth has no generation id (no cost will come); the others' costs arrive in
    // a scrambled order, some many rows after their own, the last ones after every row.
    const rows = Array.from({ length: 40 }, (_, i) =>
      row({ job_id: `job-${i}`, started_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, cost_usd: null, cost_source: i % 5 === 0 ? 'none' : 'pending', generation_id: i % 5 === 0 ? null : `gen-${i}` }),
    );
    const pending = rows.filter((r) => r.cost_source === 'pending');
    const order = [...pending].sort((a, b) => ((Number(a.job_id.slice(4)) * 7) % 40) - ((Number(b.job_id.slice(4)) * 7) % 40));
    let written = 0;
    for (const r of rows) {
      journal.row(r);
      written++;
      // A cost is only ever written after its row.
      while (order.length && Number(order[0]!.job_id.slice(4)) < written - 3 && written % 3 === 0) {
        const p = order.shift()!;
        journal.cost({ ...p, cost_usd: Number(p.job_id.slice(4)) / 100, cost_source: 'generation' });
      }
    }
    for (const p of order) journal.cost({ ...p, cost_usd: Number(p.job_id.slice(4)) / 100, cost_source: 'generation' });
    await journal.close();

    const fresh = await collect(finalRows(ws.dir, { fresh: true }));
    const indexed = await collect(finalRows(ws.dir));
    expect(fresh).toEqual(indexed);
    expect(fresh.map((r) => r.job_id)).toEqual(rows.map((r) => r.job_id));
    for (const r of fresh) {
      const i = Number(r.job_id.slice(4));
      expect([r.cost_source, r.cost_usd]).toEqual(i % 5 === 0 ? ['none', null] : ['generation', i / 100]);
    }
  });

  it('leaves a row pending when its cost never came, and a journal with rows in it is not fresh', async () => {
    ws = await workspace();
    const journal = openJournal(ws.dir);
    journal.row(row({ job_id: 'a', cost_source: 'pending' }));
    journal.row(row({ job_id: 'b', cost_source: 'pending' }));
    journal.cost({ ...row({ job_id: 'b', cost_source: 'generation', cost_usd: 0.5 }) });
    await journal.close();
    expect((await collect(finalRows(ws.dir, { fresh: true }))).map((r) => [r.job_id, r.cost_source])).toEqual([['a', 'pending'], ['b', 'generation']]);
    const again = openJournal(ws.dir);
    expect(again.fresh).toBe(false);
    await again.close();
  });
});
