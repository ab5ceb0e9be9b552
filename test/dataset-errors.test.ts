// Every way a dataset or a template can be wrong is found before anything is sent, as one
// ConfigError (exit 2) whose issue names the suite's file:line and the dataset's file:line (or
// JSON path) together. One test per error case of issue 11, plus the CLI's exit 2 with no folder.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSuite } from '../src/config/load.js';
import { resolveSuite } from '../src/config/resolve.js';
import { ConfigSchema } from '../src/config/schema.js';
import { scanTasks, type TaskSelection } from '../src/config/tasks.js';
import { ConfigError, EXIT, formatIssue } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const HEAD = 'name: s\nmodels: [openai/gpt-4o-mini]\n';

/** The problems (file:line:col path: message, file relative to the workspace) of a suite that must fail before anything is sent. */
async function problems(suiteTail: string, files: Record<string, string | Buffer> = {}, selection: TaskSelection = {}): Promise<string[]> {
  ws = await workspace({ 'suite.yaml': HEAD + suiteTail });
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') await ws.write(name, content);
    else await writeFile(ws.path(name), content);
  }
  const error = await (async () => {
    const loaded = await loadSuite(ws!.path('suite.yaml'));
    await scanTasks(resolveSuite(loaded, ConfigSchema.parse({})), selection);
  })().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).exitCode).toBe(EXIT.config);
  return (error as ConfigError).issues.map((issue) => formatIssue(issue).replace(`${ws!.dir}/`, ''));
}

const DATASET = (from: string, more = '') => `tasks:\n  - from: ${from}\n    prompt: "Q: {{ question }}"\n${more}`;

describe('dataset rows that cannot be read', () => {
  it('a CSV row with the wrong number of fields: the suite line and the CSV line', async () => {
    const csv = 'question,answer\n"a, quoted",1\nb,2,3\n"multi\nline",4\nc\n';
    expect(await problems(DATASET('q.csv'), { 'q.csv': csv })).toEqual([
      'suite.yaml:4:11 tasks.0.from: q.csv:3: has 3 fields, the header has 2 (a comma inside a field needs "double quotes")',
      // Line 6, after a record whose quoted field spans lines 4 and 5.
      'suite.yaml:4:11 tasks.0.from: q.csv:6: has 1 field, the header has 2 (a comma inside a field needs "double quotes")',
    ]);
  });

  it('a CSV header that names a column twice or leaves one unnamed', async () => {
    expect(await problems(DATASET('q.csv'), { 'q.csv': 'question,question\nx,y\n' })).toEqual(['suite.yaml:4:11 tasks.0.from: q.csv:1: the header row names the column `question` twice']);
    expect(await problems(DATASET('q.csv'), { 'q.csv': 'question,\nx,y\n' })).toEqual([
      'suite.yaml:4:11 tasks.0.from: q.csv:1: the header row has an empty column name (column 2): every column needs a name, the variable it becomes',
    ]);
  });

  it('a JSONL line that is not JSON, or not an object', async () => {
    const jsonl = '{"question": "ok"}\n\n{"question": \n[1, 2]\n"text"\n';
    const found = await problems(DATASET('q.jsonl'), { 'q.jsonl': jsonl });
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/^suite\.yaml:4:11 tasks\.0\.from: q\.jsonl:3: is not JSON: /);
    expect(found.slice(1)).toEqual([
      'suite.yaml:4:11 tasks.0.from: q.jsonl:4: is a list, not a JSON object: each line is one row, like {"question": "…"}',
      'suite.yaml:4:11 tasks.0.from: q.jsonl:5: is a string, not a JSON object: each line is one row, like {"question": "…"}',
    ]);
  });

  it('a .json that is not an array of objects', async () => {
    expect(await problems(DATASET('q.json'), { 'q.json': '{"question": "x"}' })).toEqual(['suite.yaml:4:11 tasks.0.from: q.json: is an object, not an array of objects like [{"question": "…"}]']);
    expect(await problems(DATASET('q.json'), { 'q.json': '[{"question": "x"}, 3, ["y"]]' })).toEqual([
      'suite.yaml:4:11 tasks.0.from: q.json[1]: is a number, not an object',
      'suite.yaml:4:11 tasks.0.from: q.json[2]: is a list, not an object',
    ]);
    const broken = await problems(DATASET('q.json'), { 'q.json': '[{"question": "x"}, {"question" 1}]' });
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatch(/^suite\.yaml:4:11 tasks\.0\.from: q\.json: is not valid JSON: /);
    expect(await problems(DATASET('q.json'), { 'q.json': '[{"question": "x"}' })).toEqual(['suite.yaml:4:11 tasks.0.from: q.json: is not valid JSON: it ends before the array is closed']);
  });

  it('a YAML dataset that is not a list of mappings', async () => {
    expect(await problems(DATASET('q.yaml'), { 'q.yaml': 'question: x\n' })).toEqual(['suite.yaml:4:11 tasks.0.from: q.yaml: is a mapping, not a list of mappings like - { question: … }']);
    expect(await problems(DATASET('q.yaml'), { 'q.yaml': '- question: x\n- just text\n' })).toEqual(['suite.yaml:4:11 tasks.0.from: q.yaml:2: is a string, not a mapping']);
  });

  it('an empty dataset, in every format', async () => {
    for (const [name, text] of [['q.csv', 'question\n'], ['q.jsonl', '\n\n'], ['q.json', '[]'], ['q.yaml', '# nothing\n']]) {
      expect(await problems(DATASET(name!), { [name!]: text! }), name).toEqual([`suite.yaml:4:11 tasks.0.from: ${name}: is empty: a dataset needs at least one row`]);
    }
  });

  it('a missing dataset file is found when the suite loads, at the `from` line', async () => {
    expect(await problems(DATASET('data/none.csv'))).toEqual([
      expect.stringMatching(/^suite\.yaml:4:11 tasks\.0\.from: Dataset file `data\/none\.csv` does not exist \(looked for .*data\/none\.csv; paths are relative to the suite's folder\)$/),
    ]);
  });

  it('a `from` that names no dataset format', async () => {
    expect(await problems(DATASET('q.txt'), { 'q.txt': 'x' })).toEqual([
      'suite.yaml:4:11 tasks.0.from: Expected `from` to name a .csv (with a header row), .jsonl, .json (an array of objects) or .yaml (a list of mappings) file',
    ]);
  });
});

describe('templates', () => {
  it('an undefined variable names the variable, the template, the suite line and the row', async () => {
    const csv = 'question,answer\nx,1\ny,2\n';
    expect(await problems(DATASET('q.csv', '    checks:\n      - icontains: "{{ answr }}"\n'), { 'q.csv': csv })).toEqual([
      'suite.yaml:7:20 tasks.0.checks.0.icontains: q.csv:2: undefined variable `answr` in the template `{{ answr }}` (did you mean `answer`? known: question, answer)',
      'suite.yaml:7:20 tasks.0.checks.0.icontains: q.csv:3: undefined variable `answr` in the template `{{ answr }}` (did you mean `answer`? known: question, answer)',
    ]);
  });

  it('an undefined variable in a prompt, an id, an image and a system prompt', async () => {
    const suite = 'system_prompts:\n  terse: "In {{ lang }}."\ntasks:\n  - from: q.jsonl\n    id: "q-{{ qid }}"\n    prompt: "{{ question }}"\n    images: ["{{ picture }}"]\n';
    expect(await problems(suite, { 'q.jsonl': '{"qid": 1}\n' })).toEqual([
      'suite.yaml:8:13 tasks.0.prompt: q.jsonl:1: undefined variable `question` in the template `{{ question }}` (known: qid)',
    ]);
    expect(await problems(suite, { 'q.jsonl': '{"question": "q"}\n' })).toEqual(['suite.yaml:7:9 tasks.0.id: q.jsonl:1: undefined variable `qid` in the template `q-{{ qid }}` (known: question)']);
    expect(await problems(suite, { 'q.jsonl': '{"qid": 1, "question": "q"}\n' })).toEqual([
      'suite.yaml:9:14 tasks.0.images.0: q.jsonl:1: undefined variable `picture` in the template `{{ picture }}` (known: qid, question)',
    ]);
    expect(await problems(suite, { 'q.jsonl': '{"qid": 1, "question": "q", "picture": "https://example.com/a.png"}\n' })).toEqual([
      'suite.yaml:4:10 system_prompts.terse: q.jsonl:1: undefined variable `lang` in the template `In {{ lang }}.` (known: qid, question, picture)',
    ]);
  });

  it('a plain task with an undefined variable: the suite line alone', async () => {
    expect(await problems('tasks:\n  - id: t\n    prompt: "Hello {{ name }}"\n')).toEqual(['suite.yaml:5:13 tasks.0.prompt: undefined variable `name` in the template `Hello {{ name }}` (no variables are set)']);
  });

  it('a template syntax error, at the line that holds it', async () => {
    expect(await problems('tasks:\n  - id: t\n    prompt: "Hello {{ name "\n')).toEqual([expect.stringMatching(/^suite\.yaml:5:13 tasks\.0\.prompt: template syntax error in `Hello \{\{ name `: /)]);
    expect(await problems('tasks:\n  - id: t\n    prompt: "{% if x %}open"\n')).toEqual([expect.stringMatching(/^suite\.yaml:5:13 tasks\.0\.prompt: template syntax error in /)]);
  });

  it('an unknown filter is an error, not an empty string', async () => {
    expect(await problems('vars: { name: x }\ntasks:\n  - id: t\n    prompt: "{{ name | shout }}"\n')).toEqual([expect.stringMatching(/^suite\.yaml:6:13 tasks\.0\.prompt: template syntax error in .*undefined filter: shout/)]);
  });

  it('templates cannot read files or reach prototypes', async () => {
    expect(await problems('tasks:\n  - id: t\n    prompt: "{% include \'/etc/passwd\' %}"\n')).toEqual([expect.stringMatching(/^suite\.yaml:5:13 tasks\.0\.prompt: the template .* failed: .*Failed to lookup/)]);
    expect(await problems('vars: { s: text }\ntasks:\n  - id: t\n    prompt: "{{ s.constructor }}"\n')).toEqual([
      'suite.yaml:6:13 tasks.0.prompt: undefined variable `s.constructor` in the template `{{ s.constructor }}` (`s` is set, but has no such field)',
    ]);
  });

  it('a templated regex that renders to an invalid pattern', async () => {
    expect(await problems(DATASET('q.jsonl', '    checks:\n      - regex: "{{ pattern }}"\n'), { 'q.jsonl': '{"question": "q", "pattern": "a("}\n' })).toEqual([
      expect.stringMatching(/^suite\.yaml:7:\d+ tasks\.0\.checks\.0\.regex: q\.jsonl:1: the regex template \{\{ pattern \}\} renders to "a\(": Invalid regex: /),
    ]);
  });
});

describe('ids', () => {
  it('a duplicate id names both rows', async () => {
    const tail = 'tasks:\n  - id: q-2\n    prompt: plain\n' + DATASET('q.csv', '    id: "q-{{ n }}"\n').replace('tasks:\n', '');
    expect(await problems(tail, { 'q.csv': 'n,question\n1,a\n1,b\n2,c\n' })).toEqual([
      'suite.yaml:6:11 tasks.1.from: q.csv:3: duplicate task id `q-1`: q.csv:2 has it too (ids must be unique across the suite)',
      expect.stringMatching(/^suite\.yaml:6:11 tasks\.1\.from: q\.csv:4: duplicate task id `q-2`: tasks\.0 \(.*suite\.yaml:4\) has it too/),
    ]);
  });

  it('a duplicate between two datasets by their rows` own ids, and in a .json by index', async () => {
    const tail = DATASET('a.jsonl') + DATASET('b.json').replace('tasks:\n', '');
    expect(await problems(tail, { 'a.jsonl': '{"id": "x", "question": "1"}\n', 'b.json': '[{"id": "y", "question": "2"}, {"id": "x", "question": "3"}]' })).toEqual([
      'suite.yaml:6:11 tasks.1.from: b.json[1]: duplicate task id `x`: a.jsonl:1 has it too (ids must be unique across the suite)',
    ]);
  });

  it('an id that renders with whitespace', async () => {
    expect(await problems(DATASET('q.jsonl', '    id: "{{ question }}"\n'), { 'q.jsonl': '{"question": "two words"}\n' })).toEqual([
      'suite.yaml:6:9 tasks.0.id: q.jsonl:1: the task id "two words" (from the id template "{{ question }}") is empty or has whitespace: ids name rows, files and --tasks filters',
    ]);
  });

  it('--tasks naming no task', async () => {
    expect(await problems(DATASET('q.jsonl'), { 'q.jsonl': '{"question": "x"}\n' }, { tasks: ['Q-1', 'nope'] })).toEqual([
      '--tasks Q-1: not a task of the suite (did you mean `q-1`?)',
      '--tasks nope: not a task of the suite',
    ]);
  });
});

describe('images', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex');
  const images = (cap = '') => `${cap}tasks:\n  - from: q.jsonl\n    prompt: "{{ question }}"\n    images: ["{{ image }}"]\n`;

  it('a missing image file', async () => {
    expect(await problems(images(), { 'q.jsonl': '{"question": "q", "image": "img/none.png"}\n' })).toEqual([
      expect.stringMatching(/^suite\.yaml:6:14 tasks\.0\.images\.0: q\.jsonl:1: image file `img\/none\.png` does not exist \(looked for .*\/img\/none\.png\)$/),
    ]);
  });

  it('an image over the cap, and a file that is not an image whatever its name', async () => {
    expect(await problems(images('max_image_bytes: 50\n'), { 'q.jsonl': '{"question": "q", "image": "a.png"}\n', 'a.png': PNG })).toEqual([
      'suite.yaml:7:14 tasks.0.images.0: q.jsonl:1: image file `a.png` is 0.0 MB, over the 0.0 MB cap (max_image_bytes)',
    ]);
    expect(await problems(images(), { 'q.jsonl': '{"question": "q", "image": "fake.png"}\n', 'fake.png': 'not an image at all' })).toEqual([
      'suite.yaml:6:14 tasks.0.images.0: q.jsonl:1: `fake.png` is not a PNG, JPEG, GIF or WebP image (judged by its bytes, not its name)',
    ]);
  });
});

describe('the CLI', () => {
  it('exits 2 before sending anything and makes no results folder', async () => {
    ws = await workspace({ 'suite.yaml': HEAD + DATASET('q.csv'), 'q.csv': 'question\nfine\n"bad",extra\n' });
    const result = await runCli(['run', 'suite.yaml', '--mock', '--no-history'], { cwd: ws.dir });
    expect(result.code).toBe(EXIT.config);
    expect(result.stderr).toContain('suite.yaml:4:11 tasks.0.from: q.csv:3: has 2 fields, the header has 1');
    expect(existsSync(ws.path('results'))).toBe(false);
    const plan = await runCli(['plan', 'suite.yaml', '--mock'], { cwd: ws.dir });
    expect(plan.code).toBe(EXIT.config);
    expect(plan.stderr).toContain('q.csv:3: has 2 fields');
  });
});
