// report.html's first pass keeps the matrix as flat numbers (outlineBuilder) instead of gridBuilder's
// objects: it must give the same tasks in the same order, each cell's rows in the same order, and
// the same head, whatever order the journal holds the rows in.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/stats/bootstrap.js';
import { gridBuilder, matrixHead } from '../src/responses/matrix.js';
import { outlineBuilder } from '../src/responses/outline.js';
import type { ResponseRow } from '../src/types/responses.js';
import type { GroupKey } from '../src/types/summary.js';
import { row } from './helpers/rows.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

/** Tasks × columns × repeats in a shuffled journal; some rows without job_index (older runs), sends out of order, cut answers, failures, errors, one row twice. */
function journal(seed: number): ResponseRow[] {
  const rand = mulberry32(seed);
  const out: ResponseRow[] = [];
  const models = ['o/a', 'o/b', 'o/c'];
  for (let t = 0; t < 40; t++) {
    const legacy = t % 4 === 3;
    for (const [c, model] of models.entries()) {
      if ((t + c) % 7 === 6) continue; // a column with no job for this task
      for (let r = 0; r < 3; r++) {
        out.push(row({
          job_id: `j${t}-${c}-${r}`, job_index: legacy ? undefined : (t * 3 + c) * 3 + r, task_id: `t${t}`, model, model_label: model, system_prompt_id: c === 2 ? 'q' : 'p',
          repeat: r, started_at: at(Math.floor(rand() * 60)), vars: { n: t, r },
          status: (t * 5 + r + c) % 11 === 4 ? 'error' : 'ok', output_text: 'x'.repeat(t % 9 === 1 ? 500 : 10), reasoning_text: t % 10 === 2 ? 'y'.repeat(400) : '',
          checks: [{ name: 'contains', pass: (t + c + r) % 6 !== 0, detail: '' }], passed: (t + c + r) % 6 !== 0,
        }) as ResponseRow);
      }
    }
  }
  out.push({ ...out[17]!, output_text: 'again' });
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('outlineBuilder', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`orders tasks, cells and rows as gridBuilder does (journal shuffled with seed ${seed})`, () => {
      const rows = journal(seed);
      const columnOrder = [{ model: 'o/b', model_label: 'o/b', system_prompt_id: 'p' }] as GroupKey[];
      const grid = gridBuilder<number>({ columnOrder, limit: 300 });
      const outline = outlineBuilder({ columnOrder, limit: 300 });
      // Offsets: any distinct numbers stand for the rows; the row's position here.
      rows.forEach((r, i) => {
        grid.add(r, i);
        outline.add(r, i * 1000);
      });
      const whole = grid.finish();
      const flat = outline.finish();
      const { baseline_jobs: _, ...head } = matrixHead(whole);
      expect(flat.head).toEqual(head);
      expect(head.truncated).toBeGreaterThan(0);
      expect(head.failing_tasks).toBeGreaterThan(0);
      expect(head.error_tasks).toBeGreaterThan(0);
      const tasks = [...flat.tasks()];
      expect(tasks.map((t) => t.task_id)).toEqual(whole.tasks.map((t) => t.task_id));
      expect(tasks.map((t) => t.cells.map((c) => c.map((o) => o / 1000)))).toEqual(whole.tasks.map((t) => t.cells));
      expect(tasks.map((t) => [t.failing, t.errors])).toEqual(whole.tasks.map((t) => [t.failing, t.errors]));
      // The first row of each task in the journal: the one whose vars the task shows.
      expect(tasks.map((t) => rows[t.first / 1000]!.vars)).toEqual(whole.tasks.map((t) => t.vars));
    });
  }

  it('gives an empty outline for an empty journal', () => {
    const flat = outlineBuilder({ limit: null }).finish();
    expect([...flat.tasks()]).toEqual([]);
    expect(flat.head).toEqual({ columns: [], jobs: 0, limit: null, truncated: 0, task_count: 0, failing_tasks: 0, error_tasks: 0 });
  });
});
