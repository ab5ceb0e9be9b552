import { describe, expect, it } from 'vitest';
import type { ResolvedSuite, ResolvedTask } from '../src/config/resolve.js';
import { expandMatrix as expandTasks, jobId, sha256, unknownFilterNames, type MatrixFilter } from '../src/config/matrix.js';
import { compileTemplate } from '../src/config/template.js';
import type { Message, Params } from '../src/types/job.js';

const task = (id: string, messages: Message[], params: Params): ResolvedTask => ({ id, messages, params, vars: {}, entry: 0, system: [] });
const TASKS = [task('t1', [{ role: 'user', content: 'hi' }], {}), task('t2', [{ role: 'user', content: 'bye' }], { max_tokens: 8 })];
const expandMatrix = (s: ResolvedSuite, cli: Params = {}, filter: MatrixFilter = {}) => expandTasks(s, TASKS, cli, filter);

function suite(overrides: Partial<ResolvedSuite> = {}): ResolvedSuite {
  return {
    name: 'demo',
    description: null,
    path: '/tmp/demo.yaml',
    sha256: 'x',
    repeats: 2,
    concurrency: null,
    max_cost: null,
    baseParams: { temperature: 0, max_tokens: 64 },
    models: [
      { id: 'a/one', label: 'one', params: {} },
      { id: 'b/two', label: 'b/two', params: { temperature: 0.5 } },
    ],
    systemPrompts: [
      { id: 'terse', text: 'Be terse.', sha256: sha256('Be terse.'), template: compileTemplate('Be terse.') },
      { id: 'none', text: '', sha256: sha256(''), template: compileTemplate('') },
    ],
    entries: [],
    vars: {},
    maxImageBytes: 1024,
    fileRules: { base: '/tmp', allowOutside: false },
    ...overrides,
  };
}

describe('expandMatrix', () => {
  it('expands tasks × models × prompts × repeats in a fixed order', () => {
    const jobs = expandMatrix(suite());
    // Every job, in order: the order is a contract (job indexes, shards, the results file).
    expect(jobs.map((j) => `${j.task_id}/${j.model}/${j.system_prompt_id}/${j.repeat}`)).toEqual([
      't1/a/one/terse/0',
      't1/a/one/terse/1',
      't1/a/one/none/0',
      't1/a/one/none/1',
      't1/b/two/terse/0',
      't1/b/two/terse/1',
      't1/b/two/none/0',
      't1/b/two/none/1',
      't2/a/one/terse/0',
      't2/a/one/terse/1',
      't2/a/one/none/0',
      't2/a/one/none/1',
      't2/b/two/terse/0',
      't2/b/two/terse/1',
      't2/b/two/none/0',
      't2/b/two/none/1',
    ]);
    expect(jobs.map((j) => j.index)).toEqual([...Array(16).keys()]);
  });

  it('sends a system message only when the prompt is not empty', () => {
    const jobs = expandMatrix(suite());
    expect(jobs[0]!.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'hi' },
    ]);
    expect(jobs[2]!.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('resolves params with model over suite, task over model, CLI over all', () => {
    const jobs = expandMatrix(suite(), { seed: 7 });
    const t2two = jobs.find((j) => j.task_id === 't2' && j.model === 'b/two')!;
    expect(t2two.params).toEqual({ temperature: 0.5, max_tokens: 8, seed: 7 });
    const cli = expandMatrix(suite(), { temperature: 1 });
    expect(cli).toHaveLength(16);
    expect(cli.every((j) => j.params.temperature === 1)).toBe(true);
  });

  it('gives stable ids that change with anything that changes the request', () => {
    const a = expandMatrix(suite()).map((j) => j.job_id);
    const b = expandMatrix(suite()).map((j) => j.job_id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
    const hotter = expandMatrix(suite({ baseParams: { temperature: 0.1, max_tokens: 64 } })).map((j) => j.job_id);
    expect(hotter[0]).not.toBe(a[0]);
    // Key order in params does not matter.
    const msgs = [{ role: 'user' as const, content: 'x' }];
    expect(jobId('t', 'm', 'p', 's', msgs, { a: 1, b: { c: 2, d: 3 } }, 0)).toBe(jobId('t', 'm', 'p', 's', msgs, { b: { d: 3, c: 2 }, a: 1 }, 0));
    // Pinned: changing how ids are computed breaks every resume and baseline, so it must be deliberate.
    expect(jobId('t1', 'a/one', 'terse', 'abc', msgs, { max_tokens: 5 }, 0)).toMatchInlineSnapshot(`"b6123a805baa8461"`);
  });

  it('filters by models, tasks and prompts and reports unknown names', () => {
    const jobs = expandMatrix(suite(), {}, { models: ['b/two'], tasks: ['t1'], prompts: ['none'] });
    expect(jobs.map((j) => [j.model, j.task_id, j.system_prompt_id])).toEqual([
      ['b/two', 't1', 'none'],
      ['b/two', 't1', 'none'],
    ]);
    expect(unknownFilterNames(suite(), { models: ['c/three'], tasks: ['t1'] })).toEqual([
      '--models c/three: not in the suite (known: a/one, b/two)',
    ]);
  });
});
