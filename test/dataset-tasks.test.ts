// Datasets and templates that work: variable precedence, task ids, the formats, images as
// content parts, --sample/--limit, and the streamed matrix (computed size, stable job ids).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../src/config/load.js';
import { createMatrix, jobId } from '../src/config/matrix.js';
import { jobParams, resolveSuite, type ResolvedSuite } from '../src/config/resolve.js';
import { ConfigSchema } from '../src/config/schema.js';
import { sampleMask } from '../src/config/select.js';
import { scanTasks, selectedTasks, type TaskSelection } from '../src/config/tasks.js';
import type { Job } from '../src/types/job.js';
import { matrixJobs, readTasks } from './helpers/tasks.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const HEAD = 'name: s\nmodels: [openai/gpt-4o-mini]\n';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function suiteOf(tail: string, files: Record<string, string | Buffer> = {}): Promise<ResolvedSuite> {
  ws = await workspace({ 'suite.yaml': HEAD + tail });
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') await ws.write(name, content);
    else {
      await mkdir(dirname(ws.path(name)), { recursive: true });
      await writeFile(ws.path(name), content);
    }
  }
  return resolveSuite(await loadSuite(ws.path('suite.yaml')), ConfigSchema.parse({}));
}

const jobsOf = matrixJobs;

describe('variables', () => {
  it('the suite < the entry < the row < --var', async () => {
    const suite = await suiteOf(
      'vars: { a: suite, b: suite, c: suite, d: suite }\ntasks:\n  - from: q.jsonl\n    vars: { b: entry, c: entry, d: entry }\n    prompt: "{{ a }} {{ b }} {{ c }} {{ d }}"\n',
      { 'q.jsonl': '{"c": "row", "d": "row"}\n' },
    );
    const [task] = await readTasks(suite, { vars: { d: 'cli' } });
    expect(task!.messages).toEqual([{ role: 'user', content: 'suite entry row cli' }]);
    expect(task!.vars).toEqual({ a: 'suite', b: 'entry', c: 'row', d: 'cli' });
  });

  it('plain tasks, system prompts and ids use them too; nested fields and filters work', async () => {
    const suite = await suiteOf('vars: { lang: French, who: { name: Ada } }\nsystem_prompts:\n  terse: "Answer in {{ lang }}."\ntasks:\n  - id: "hello-{{ who.name | downcase }}"\n    prompt: "Hello {{ who.name | upcase }}"\n');
    const { jobs } = await jobsOf(suite);
    expect(jobs.map((j) => [j.task_id, j.messages])).toEqual([['hello-ada', [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'Hello ADA' }]]]);
    expect(jobs[0]!.system_prompt_sha256).toBe(sha('Answer in French.'));
  });

  it('row values are inserted as text, never run as templates', async () => {
    const suite = await suiteOf('tasks:\n  - from: q.jsonl\n    prompt: "{{ text }}"\n', { 'q.jsonl': '{"text": "{{ secret }} {% include \'x\' %}"}\n' });
    const [task] = await readTasks(suite);
    expect(task!.messages[0]!.content).toBe("{{ secret }} {% include 'x' %}");
  });
});

describe('task ids', () => {
  it('the id template, else the row\'s id, else <stem>-<row>', async () => {
    const suite = await suiteOf(
      'tasks:\n  - from: a.csv\n    id: "q-{{ n }}"\n    prompt: "{{ n }}"\n  - from: b.jsonl\n    prompt: x\n  - from: data/c.yaml\n    prompt: y\n',
      { 'a.csv': 'n\n7\n8\n', 'b.jsonl': '{"id": "own"}\n{"id": 42}\n', 'data/c.yaml': '- { k: 1 }\n- { k: 2 }\n' },
    );
    expect((await readTasks(suite)).map((t) => t.id)).toEqual(['q-7', 'q-8', 'own', '42', 'c-1', 'c-2']);
  });
});

describe('formats', () => {
  it('CSV: quoted commas, multi-line fields, non-ASCII text, a BOM and CRLF line ends', async () => {
    const csv = '\uFEFFq,note\r\n"a, b","line one\r\nline two"\r\nZürich,東京\r\n';
    const suite = await suiteOf('tasks:\n  - from: q.csv\n    prompt: "{{ q }} | {{ note }}"\n', { 'q.csv': csv });
    expect((await readTasks(suite)).map((t) => t.messages[0]!.content)).toEqual(['a, b | line one\r\nline two', 'Zürich | 東京']);
  });

  it('a .json array and a .yaml list, with numbers and nested values', async () => {
    const suite = await suiteOf('tasks:\n  - from: a.json\n    prompt: "{{ n }} {{ tags[1] }}"\n  - from: b.yml\n    prompt: "{{ n }} {{ who.name }}"\n', {
      'a.json': '[{"n": 1, "tags": ["a", "b"]}, {"n": 2.5, "tags": ["c", "d"]}]',
      'b.yml': '- n: 3\n  who: { name: Ada }\n',
    });
    expect((await readTasks(suite)).map((t) => [t.id, t.messages[0]!.content])).toEqual([
      ['a-1', '1 b'],
      ['a-2', '2.5 d'],
      ['b-1', '3 Ada'],
    ]);
  });
});

describe('images', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex');

  it('a local file becomes a data: URL typed by its bytes; URLs pass through; images follow the text of the last user message', async () => {
    const suite = await suiteOf(
      'tasks:\n  - from: data/q.jsonl\n    messages:\n      - { role: user, content: "first" }\n      - { role: assistant, content: ok }\n      - { role: user, content: "{{ q }}" }\n    images: ["{{ img }}", "https://example.com/x.png"]\n',
      // Named .jpg, but the bytes are a PNG: the bytes decide.
      { 'data/q.jsonl': '{"q": "what is it?", "img": "pics/a.jpg"}\n', 'data/pics/a.jpg': PNG },
    );
    const [task] = await readTasks(suite);
    expect(task!.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is it?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/x.png' } },
        ],
      },
    ]);
  });
});

describe('selection', () => {
  const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `r${i}` })).join('\n');

  it('--sample is deterministic, keeps the suite order, and a smaller sample is part of a larger one', async () => {
    const suite = await suiteOf('tasks:\n  - from: q.jsonl\n    prompt: x\n', { 'q.jsonl': rows });
    const ids = async (selection: TaskSelection) => (await readTasks(suite, selection)).map((t) => t.id);
    const five = await ids({ sample: 5 });
    expect(five).toHaveLength(5);
    expect(await ids({ sample: 5 })).toEqual(five);
    expect(five).toEqual([...five].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    const ten = await ids({ sample: 10 });
    expect(five.every((id) => ten.includes(id))).toBe(true);
    expect(await ids({ sample: 5, sampleSeed: 2 })).not.toEqual(five);
    expect(await ids({ sample: 500 })).toHaveLength(50);
  });

  it('--limit takes the first n, after --tasks and --sample; the matrix size says so before a pass', async () => {
    const suite = await suiteOf('tasks:\n  - from: q.jsonl\n    prompt: x\n', { 'q.jsonl': rows });
    expect((await jobsOf(suite, { limit: 3 })).jobs.map((j) => j.task_id)).toEqual(['r0', 'r1', 'r2']);
    expect((await jobsOf(suite, { tasks: ['r7', 'r3', 'r9'], limit: 2 })).jobs.map((j) => j.task_id)).toEqual(['r3', 'r7']);
    const both = await jobsOf(suite, { sample: 10, limit: 4 });
    expect(both.size).toBe(4);
    expect(both.jobs.map((j) => j.task_id)).toEqual((await readTasks(suite, { sample: 10 })).slice(0, 4).map((t) => t.id));
  });

  it('sampleMask keeps the n smallest keys, ties by position', () => {
    expect([...sampleMask([5, 1, 3, 1, 9], 2)]).toEqual([0, 1, 0, 1, 0]);
    expect([...sampleMask([5, 1], 9)]).toEqual([1, 1]);
  });
});

describe('the streamed matrix', () => {
  it('a suite without vars or datasets keeps its job ids: the same hash of the same messages', async () => {
    const suite = await suiteOf('system_prompts:\n  terse: Be brief.\n  none: ""\nparams: { max_tokens: 9 }\nrepeats: 2\ntasks:\n  - id: t\n    prompt: hi\n');
    const { size, jobs } = await jobsOf(suite);
    expect(size).toBe(4);
    const user = { role: 'user' as const, content: 'hi' };
    const params = jobParams(suite.baseParams, {}, {}, {});
    expect(jobs.map((j) => j.job_id)).toEqual([
      jobId('t', 'openai/gpt-4o-mini', 'terse', sha('Be brief.'), [{ role: 'system', content: 'Be brief.' }, user], params, 0),
      jobId('t', 'openai/gpt-4o-mini', 'terse', sha('Be brief.'), [{ role: 'system', content: 'Be brief.' }, user], params, 1),
      jobId('t', 'openai/gpt-4o-mini', 'none', sha(''), [user], params, 0),
      jobId('t', 'openai/gpt-4o-mini', 'none', sha(''), [user], params, 1),
    ]);
    expect(jobs[2]!.prompt_sha256).toBe(sha(JSON.stringify([user])));
    expect(jobs.map((j) => j.index)).toEqual([0, 1, 2, 3]);
  });

  it('streams a large dataset: the size is known before the pass, each pass reads the file again', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => `${i},question ${i}`).join('\n');
    const suite = await suiteOf('tasks:\n  - from: q.csv\n    prompt: "{{ q }}"\n', { 'q.csv': `n,q\n${big}\n` });
    const scan = await scanTasks(suite);
    const matrix = createMatrix(suite, () => selectedTasks(suite, scan), scan.runs);
    expect(matrix.size).toBe(5000);
    let count = 0;
    let last: Job | undefined;
    for await (const job of matrix.jobs()) {
      count++;
      last = job;
    }
    expect(count).toBe(5000);
    expect(last).toMatchObject({ task_id: 'q-5000', index: 4999, messages: [{ role: 'user', content: 'question 4999' }] });
  });
});
