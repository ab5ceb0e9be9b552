// Loading suites and config files: every kind of bad input is reported at file:line:col with
// its dotted path and a message that says what to do, and all problems come in one error.
import { existsSync } from 'node:fs';
import { chmod, readFile, truncate, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, loadSuite } from '../src/config/load.js';
import { ConfigSchema } from '../src/config/schema.js';
import { ConfigError, EXIT, type Issue } from '../src/errors.js';
import { startMockServer } from '../src/mock/server.js';
import { runCli } from './helpers/cli.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOOD_TAIL = 'models: [openai/gpt-4o-mini]\ntasks:\n  - id: t\n    prompt: hi\n';

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

async function suiteAt(files: Record<string, string>): Promise<string> {
  ws = await workspace(files);
  return ws.path('suite.yaml');
}

/** The ConfigError a load must fail with. */
async function rejection(load: Promise<unknown>): Promise<ConfigError> {
  const error = await load.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

/** Load a suite (plus files beside it) that must fail; return the error. */
async function failing(suite: string, extra: Record<string, string> = {}): Promise<ConfigError> {
  return rejection(loadSuite(await suiteAt({ 'suite.yaml': suite, ...extra })));
}

const configFailure = (file: string, cwd: string) => rejection(loadConfig(file, cwd));

/** `line:col path: message (hint)`, the file left out. */
const where = (issue: Issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
const only = (error: ConfigError) => {
  expect(error.issues).toHaveLength(1);
  return where(error.issues[0]!);
};

describe('loadSuite: a good suite', () => {
  it('loads the example suite with its prompt file', async () => {
    const loaded = await loadSuite(join(ROOT, 'suites/example.yaml'));
    expect(isAbsolute(loaded.path)).toBe(true);
    expect(loaded.dir).toBe(join(ROOT, 'suites'));
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.suite.name).toBe('example');
    expect(loaded.suite.models).toEqual(['openai/gpt-4o-mini', { id: 'anthropic/claude-sonnet-4.5', label: 'sonnet-4.5' }]);
    expect(loaded.suite.system_prompts).toEqual({ terse: 'Answer in one sentence.', none: '' });
    expect(loaded.suite.tasks.map((t) => t.id)).toEqual(['capital', 'follow-up', 'haiku']);
    expect(loaded.files).toEqual({ 'prompts/haiku.md': await readFile(join(ROOT, 'suites/prompts/haiku.md'), 'utf8') });
  });

  it('changes sha256 when a referenced file changes, and only then', async () => {
    const file = await suiteAt({
      'suite.yaml': `name: s\nmodels: [a/b]\nsystem_prompts:\n  house: { file: sys.txt }\ntasks:\n  - { id: t, prompt_file: ./p/q.md }\n`,
      'sys.txt': 'Be brief.',
      'p/q.md': 'Question?\n',
    });
    const first = await loadSuite(file);
    expect(first.files).toEqual({ './p/q.md': 'Question?\n', 'sys.txt': 'Be brief.' });
    expect((await loadSuite(file)).sha256).toBe(first.sha256);
    await ws!.write('p/q.md', 'Another question?\n');
    const second = await loadSuite(file);
    expect(second.sha256).not.toBe(first.sha256);
    await ws!.write('sys.txt', 'Be long.');
    expect((await loadSuite(file)).sha256).not.toBe(second.sha256);
  });

  it('accepts null in params (it unsets an inherited value) and passes unknown params through', async () => {
    const file = await suiteAt({ 'suite.yaml': `name: s\n${GOOD_TAIL}params:\n  temperature: null\n  provider: { order: null }\n  verbosity: low\n` });
    const { suite } = await loadSuite(file);
    expect(suite.params).toEqual({ temperature: null, provider: { order: null }, verbosity: 'low' });
  });

  it('supports anchors and `<<` merge keys for shared params', async () => {
    const file = await suiteAt({
      'suite.yaml': `name: s\nmodels: [a/b]\nx-shared: &shared { temperature: 0, seed: 7 }\ntasks:\n  - id: t\n    prompt: hi\n    params: { <<: *shared, seed: 8 }\n`,
    });
    const error = await rejection(loadSuite(file));
    // The anchor's home must itself be a known key; the merge itself works.
    expect(error.issues.map(where)).toEqual(['3:1 x-shared: Unknown key `x-shared` (allowed: name, description, models, system_prompts, vars, tasks, params, repeats, concurrency, max_cost, checks, gates, stream, cache, cache_repeats, request_rate, arrival, warmup, max_image_bytes, allow_outside_files, judge)']);
    await ws!.write('suite.yaml', `name: s\nmodels:\n  - { id: a/b, params: &shared { temperature: 0, seed: 7 } }\ntasks:\n  - id: t\n    prompt: hi\n    params: { <<: *shared, seed: 8 }\n`);
    expect((await loadSuite(file)).suite.tasks[0]!.params).toEqual({ temperature: 0, seed: 8 });
  });
});

describe('loadSuite: problems, each at file:line:col', () => {
  it('reports a YAML syntax error where the yaml parser found it', async () => {
    const error = await failing('name: x\nmodels: a: b\n');
    expect(only(error)).toMatch(/^2:9 : YAML syntax error: Nested mappings are not allowed in compact mappings/);
    expect(error.exitCode).toBe(EXIT.config);
  });

  it('names the file as it was given and prints one line per problem', async () => {
    const error = await failing('name: x\n' + GOOD_TAIL + 'repeats: 0\n');
    const file = ws!.path('suite.yaml');
    expect(error.issues[0]!.file).toBe(file);
    expect(error.message).toBe(`${file} has 1 problem:\n  ${file}:6:10 repeats: Expected \`repeats\` to be a whole number from 1 to 1000000`);
  });

  it('points at an unknown key and suggests the close one', async () => {
    const error = await failing(`name: x\n${GOOD_TAIL}params:\n  temprature: 0\n  max-tokens: 10\n`);
    expect(error.issues.map(where)).toEqual([
      '7:3 params.temprature: Unknown param `temprature`: the API would ignore it (did you mean `temperature`?)',
      '8:3 params.max-tokens: Unknown param `max-tokens`: the API would ignore it (did you mean `max_tokens`?)',
    ]);
  });

  it('rejects unknown keys in strict objects, with a suggestion or the allowed list', async () => {
    const error = await failing(
      `name: x\nmodels:\n  - id: a/b\n    lable: B\ntasks:\n  - id: t\n    promt: hi\nparams:\n  reasoning: { effort: high, budget: 9 }\nrepeat: 2\n`,
    );
    expect(error.issues.map(where)).toEqual([
      '4:5 models.0.lable: Unknown key `lable` (did you mean `label`?)',
      '6:5 tasks.0: A task needs one of `prompt`, `messages` or `prompt_file`',
      '7:5 tasks.0.promt: Unknown key `promt` (did you mean `prompt`?)',
      '9:30 params.reasoning.budget: Unknown key `budget` (allowed: effort, max_tokens, exclude, enabled, summary)',
      '10:1 repeat: Unknown key `repeat` (did you mean `repeats`?)',
    ]);
  });

  it('says a key is missing, pointing at the mapping that lacks it', async () => {
    const error = await failing('# a comment first\ndescription: no name, models or tasks\n');
    expect(error.issues.map(where)).toEqual([
      '2:1 name: Missing required key `name`',
      '2:1 models: Missing required key `models`',
      '2:1 tasks: Missing required key `tasks`',
    ]);
  });

  it('reports wrong types in the words of the field', async () => {
    const error = await failing(
      'name: x\nmodels: openai/gpt-4o-mini\ntasks:\n  - id: t\n    prompt: 42\nrepeats: two\nconcurrency: 1.5\nmax_cost: free\n',
    );
    expect(error.issues.map(where)).toEqual([
      '2:9 models: Expected `models` to be a list of model slugs',
      '5:13 tasks.0.prompt: Expected `prompt` to be a non-empty string',
      '6:10 repeats: Expected `repeats` to be a whole number from 1 to 1000000',
      '7:14 concurrency: Expected `concurrency` to be a whole number from 1 to 10000',
      '8:11 max_cost: Expected `max_cost` to be a number of USD greater than 0',
    ]);
  });

  it('rejects empty models, tasks and system_prompts', async () => {
    const error = await failing('name: x\nmodels: []\ntasks: []\nsystem_prompts: {}\n');
    expect(error.issues.map(where)).toEqual([
      '2:9 models: Expected `models` to list at least one model',
      '3:8 tasks: Expected `tasks` to list at least one task',
      '4:17 system_prompts: Expected `system_prompts` to have at least one entry; leave it out to run without a system prompt',
    ]);
  });

  it('reports duplicate task, model and system prompt ids at the second one', async () => {
    const error = await failing(
      [
        'name: x',
        'models:',
        '  - a/b',
        '  - c/d',
        '  - { id: a/b }',
        'system_prompts:',
        '  terse: Be terse.',
        '  terse: Be very terse.',
        'tasks:',
        '  - { id: t1, prompt: one }',
        '  - { id: t1, prompt: two }',
        '',
      ].join('\n'),
    );
    expect(error.issues.map(where)).toEqual([
      '5:11 models.2.id: Duplicate model `a/b` (also models.0): a model listed twice needs its own `label` on each entry',
      '8:3 system_prompts.terse: Duplicate system prompt id `terse` (first on line 7): YAML would keep only one, so rename or remove one',
      '11:11 tasks.1.id: Duplicate task id `t1` (also tasks.0): ids must be unique',
    ]);
  });

  it('reports missing, empty and unreadable prompt files at the field that names them', async () => {
    const error = await failing(
      'name: x\nmodels: [a/b]\nsystem_prompts:\n  house: { file: missing-system.txt }\ntasks:\n  - id: a\n    prompt_file: nope.md\n  - id: b\n    prompt_file: empty.md\n  - id: c\n    prompt_file: folder\n',
      { 'empty.md': '  \n', 'folder/x.md': 'x' },
    );
    const dir = ws!.dir;
    expect(error.issues.map(where)).toEqual([
      `4:18 system_prompts.house.file: System prompt file \`missing-system.txt\` does not exist (looked for ${join(dir, 'missing-system.txt')}; paths are relative to the suite's folder)`,
      `7:18 tasks.0.prompt_file: Prompt file \`nope.md\` does not exist (looked for ${join(dir, 'nope.md')}; paths are relative to the suite's folder)`,
      '9:18 tasks.1.prompt_file: Prompt file `empty.md` is empty: write the prompt in it',
      `11:18 tasks.2.prompt_file: Prompt file \`folder\` is a folder, not a file (looked for ${join(dir, 'folder')}; paths are relative to the suite's folder)`,
    ]);
  });

  it('reports out-of-range params at every layer', async () => {
    const error = await failing(
      [
        'name: x',
        'models:',
        '  - id: a/b',
        '    params: { temperature: 2.5 }',
        'tasks:',
        '  - id: t',
        '    prompt: hi',
        '    params: { top_p: 1.1, top_k: -1 }',
        'params:',
        '  max_tokens: 0',
        '  stop: [a, b, c, d, e]',
        '  provider: { sort: cheapest, max_price: { prompt: -1 } }',
        '',
      ].join('\n'),
    );
    expect(error.issues.map(where)).toEqual([
      '4:28 models.0.params.temperature: Expected `temperature` to be a number from 0 to 2',
      '8:22 tasks.0.params.top_p: Expected `top_p` to be a number from 0 to 1',
      '8:34 tasks.0.params.top_k: Expected `top_k` to be a whole number from 0 and up',
      '10:15 params.max_tokens: Expected `max_tokens` to be a whole number from 1 and up',
      '11:9 params.stop: Expected `stop` to be a string or a list of up to 4 strings',
      '12:21 params.provider.sort: Expected `sort` to be one of `price`, `throughput`, `latency`, `exacto`, or { by, partition }',
      '12:52 params.provider.max_price.prompt: Expected `prompt` to be a price from 0 and up (USD per million tokens)',
    ]);
  });

  it('refuses params that agent-lab sets itself, and fallback lists', async () => {
    const error = await failing(`name: x\n${GOOD_TAIL}params:\n  model: a/b\n  models: [a/b, c/d]\n  messages: []\n  stream: false\n  api_key: sk-or-v1-abc\n`);
    const messages = error.issues.map(where);
    expect(messages).toHaveLength(5);
    expect(messages[0]).toBe("7:10 params.model: `model` does not belong in params: each job sets it from the suite's `models` list");
    expect(messages[1]).toMatch(/^8:11 params\.models: `models` is a fallback list: .* the benchmark would lie/);
    expect(messages[2]).toMatch(/^9:13 params\.messages: `messages` does not belong in params/);
    expect(messages[3]).toMatch(/^10:11 params\.stream: `stream` does not belong in params: set `stream: false` on the suite, a model or a task/);
    expect(messages[4]).toMatch(/^11:12 params\.api_key: The API key never lives in a file/);
    expect(error.message).not.toContain('sk-or-v1-abc');
  });

  it('wants exactly one of prompt, messages or prompt_file', async () => {
    const error = await failing('name: x\nmodels: [a/b]\ntasks:\n  - id: t\n    prompt: hi\n    messages:\n      - { role: user, content: hi }\n');
    expect(only(error)).toBe(
      '6:5 tasks.0.messages: A task has one of `prompt`, `messages` or `prompt_file`, and this one has `prompt` and `messages`: keep one',
    );
  });

  it('rejects an unknown role and suggests the near one', async () => {
    const error = await failing('name: x\nmodels: [a/b]\ntasks:\n  - id: t\n    messages:\n      - role: usr\n        content: hi\n      - { role: user }\n');
    expect(error.issues.map(where)).toEqual([
      '6:15 tasks.0.messages.0.role: Expected `role` to be one of `system`, `user`, `assistant`, `tool` (did you mean `user`?)',
      '8:9 tasks.0.messages.1.content: Missing required key `content`',
    ]);
  });

  it('rejects ids with spaces: they name rows, files and filters', async () => {
    const error = await failing("name: x\nmodels: ['open ai/gpt']\nsystem_prompts:\n  'be terse': Be terse.\ntasks:\n  - { id: my task, prompt: hi }\n");
    expect(error.issues.map(where)).toEqual([
      '2:10 models.0: Expected `model` to be a non-empty string without spaces',
      '4:3 system_prompts.be terse: Expected a system prompt id to be a non-empty string without spaces',
      '6:11 tasks.0.id: Expected `id` to be a non-empty string without spaces (spaces inside `{{ }}` are fine)',
    ]);
  });

  it('checks the suite name, since it becomes a folder', async () => {
    const error = await failing(`name: ../up\n${GOOD_TAIL}`);
    expect(only(error)).toMatch(/^1:7 name: Expected `name` to be 1 to 100 letters, digits/);
  });

  it('rejects a suite that is not a mapping', async () => {
    const error = await failing('- name: x\n- models: []\n');
    expect(only(error)).toBe('1:1 : Expected the suite to be a mapping with `name`, `models` and `tasks`');
  });

  it.each([
    ['an empty file', ''],
    ['a file of comments', '# just a comment\n\n'],
  ])('rejects %s as empty', async (_, text) => {
    const error = await failing(text);
    const file = ws!.path('suite.yaml');
    expect(error.issues).toEqual([{ file, line: null, column: null, path: '', message: expect.stringMatching(/^is empty: a suite needs/) }]);
    expect(error.message).toMatch(new RegExp(`^${file} is empty: a suite needs at least \`name\`, \`models\` and \`tasks\``));
  });

  it('refuses a binary file, invalid UTF-8 and a huge file, without parsing them', async () => {
    ws = await workspace();
    const check = async (name: string, pattern: RegExp) => {
      const error = await rejection(loadSuite(ws!.path(name)));
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]!.line).toBeNull();
      expect(error.message).toMatch(pattern);
    };
    await writeFile(ws.path('nul.yaml'), Buffer.from('name: x\0\n'));
    await check('nul.yaml', /nul\.yaml is a binary file \(it contains NUL bytes\)/);
    await writeFile(ws.path('latin1.yaml'), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    await check('latin1.yaml', /latin1\.yaml is not valid UTF-8 text: save it as UTF-8/);
    await writeFile(ws.path('huge.yaml'), 'name: x\n');
    await truncate(ws.path('huge.yaml'), 5 * 1024 * 1024 + 1);
    await check('huge.yaml', /huge\.yaml is 5\.0 MiB, over the 5 MiB limit/);
    await check('absent.yaml', /absent\.yaml does not exist \(looked for /);
  });

  it('reports a prompt file it may not read', async () => {
    const file = await suiteAt({ 'suite.yaml': 'name: x\nmodels: [a/b]\ntasks:\n  - { id: t, prompt_file: secret.md }\n', 'secret.md': 'x' });
    await chmod(ws!.path('secret.md'), 0o000);
    // Root reads a file whatever its mode, and CI runs as root: there the CLI runs without the
    // capabilities that let it (setpriv), so it meets the mode as any user would.
    const root = process.getuid?.() === 0;
    const r = await runCli(['plan', 'suite.yaml', '--mock'], { cwd: ws!.dir, honourFileModes: root });
    expect(r.code, r.stderr).toBe(EXIT.config);
    expect(r.stderr).toContain(`${file} has 1 problem:\n  ${file}:4:27 tasks.0.prompt_file: Prompt file \`secret.md\` cannot be read: permission denied (looked for `);
  });

  it('reports every problem of a file at once, in file order', async () => {
    const error = await failing(
      [
        'name: my suite', // 1: space in name
        'models:',
        '  - a/b',
        '  - a/b', // 4: duplicate
        'tasks:',
        '  - id: t',
        '    prompt: hi',
        '    prompt_file: missing.md', // 8: both, and missing
        '  - id: u',
        '    messages: [{ role: robot, content: hi }]', // 10: bad role
        'params:',
        '  temperature: 9', // 12
        'extra: true', // 13
        '',
      ].join('\n'),
    );
    expect(error.message.split('\n')[0]).toBe(`${ws!.path('suite.yaml')} has 7 problems:`);
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.path}`)).toEqual([
      '1:7 name',
      '4:5 models.1',
      '8:5 tasks.0.prompt_file',
      '8:18 tasks.0.prompt_file',
      '10:24 tasks.1.messages.0.role',
      '12:16 params.temperature',
      '13:1 extra',
    ]);
  });
});

describe('loadConfig', () => {
  it('uses the defaults when there is no config file', async () => {
    ws = await workspace();
    const { path, config } = await loadConfig(undefined, ws.dir);
    expect(path).toBeNull();
    expect(config).toEqual(ConfigSchema.parse({}));
    expect(config.timeouts).toEqual({ connect_ms: 10_000, ttft_ms: 120_000, idle_ms: 60_000, total_ms: 600_000 });
    expect(config.retry.max_attempts).toBe(4);
    expect(config.base_url).toBe('https://openrouter.ai/api/v1');
  });

  it('finds agent-lab.config.yaml or .yml in the working folder, and refuses both', async () => {
    ws = await workspace({ 'agent-lab.config.yml': 'concurrency: 3\ntimeouts: { ttft_ms: 5000 }\n' });
    const found = await loadConfig(undefined, ws.dir);
    expect(found.path).toBe(ws.path('agent-lab.config.yml'));
    expect(found.config.concurrency).toBe(3);
    expect(found.config.timeouts).toEqual({ connect_ms: 10_000, ttft_ms: 5000, idle_ms: 60_000, total_ms: 600_000 });
    await ws.write('agent-lab.config.yaml', 'concurrency: 4\n');
    await expect(loadConfig(undefined, ws.dir)).rejects.toThrow(/Both agent-lab\.config\.yaml and agent-lab\.config\.yml .* keep one/);
  });

  it('fails when an explicit path does not exist', async () => {
    ws = await workspace();
    const error = await configFailure('custom.yaml', ws.dir);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`custom.yaml does not exist (looked for ${ws.path('custom.yaml')})`);
  });

  it('refuses an API key in the file and names what to do instead', async () => {
    ws = await workspace({ 'c.yaml': 'api_key: sk-or-v1-secret\nkey: sk-or-v1-secret\napi_key_env: sk-or-v1-secret\n' });
    const error = await configFailure('c.yaml', ws.dir);
    expect(error.issues.map(where)).toEqual([
      '1:10 api_key: The API key never lives in a file: set it in the environment and name the variable with `api_key_env` (default OPENROUTER_API_KEY)',
      '2:6 key: The API key never lives in a file: set it in the environment and name the variable with `api_key_env` (default OPENROUTER_API_KEY)',
      '3:14 api_key_env: Expected `api_key_env` to be the name of an environment variable like OPENROUTER_API_KEY (the key itself never lives in a file)',
    ]);
    expect(error.message).not.toContain('secret');
  });

  it('reports unknown keys and bad values with positions', async () => {
    ws = await workspace({ 'c.yaml': 'concurency: 2\nbase_url: ftp://example.com\ntimeouts:\n  ttft_ms: -1\nlog_level: verbose\n' });
    const error = await configFailure('c.yaml', ws.dir);
    expect(error.issues.map(where)).toEqual([
      '1:1 concurency: Unknown key `concurency` (did you mean `concurrency`?)',
      '2:11 base_url: Expected `base_url` to be an http(s) URL like https://openrouter.ai/api/v1',
      '4:12 timeouts.ttft_ms: Expected `ttft_ms` to be a whole number of ms from 1 to 2147483647 (about 24.8 days: a longer timer fires at once)',
      '5:12 log_level: Expected `log_level` to be one of `error`, `warn`, `info`, `debug`',
    ]);
  });

  it('ships a config file whose every setting is a commented default', async () => {
    const { path, config } = await loadConfig(undefined, ROOT);
    expect(path).toBe(join(ROOT, 'agent-lab.config.yaml'));
    expect(config).toEqual(ConfigSchema.parse({}));
    const text = await readFile(path!, 'utf8');
    const settings = Object.keys(ConfigSchema.shape).filter((k) => k !== 'api_key' && k !== 'key');
    for (const key of settings) expect(text, key).toMatch(new RegExp(`^# ${key}:`, 'm'));
    const defaults = ConfigSchema.parse({});
    for (const [key, value] of Object.entries(defaults.timeouts)) expect(text).toContain(`#   ${key}: ${value}`);
    for (const [key, value] of Object.entries(defaults.retry)) expect(text).toContain(`#   ${key}: ${value}`);
    for (const [key, value] of Object.entries(defaults.generation)) expect(text).toContain(`#   ${key}: ${value}`);
  });
});

describe('the CLI refuses bad input before any request', () => {
  const KEY = 'sk-or-v1-config-load-cli-key-0000';
  const cli = (args: string[], cwd: string, baseUrl: string) => runCli(args, { cwd, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: baseUrl } });

  it('exits 2 with every problem listed, sends nothing and creates no results folder', async () => {
    const server = await startMockServer({ apiKey: KEY });
    try {
      ws = await workspace({
        'bad-suite.yaml': 'name: x\nmodels: []\ntasks:\n  - { id: t, prompt: hi, promt: typo }\nparams: { temperature: 3 }\n',
        'good-suite.yaml': `name: good\n${GOOD_TAIL}`,
        'bad-config.yaml': 'concurency: 2\ntimeouts: { idle_ms: 0 }\n',
        'a-file': 'not a folder',
      });
      const suite = await cli(['run', 'bad-suite.yaml'], ws.dir, server.url);
      expect(suite.code).toBe(EXIT.config);
      expect(suite.stderr).toContain('has 3 problems');
      expect(suite.stderr).toMatch(/bad-suite\.yaml:2:9 models: /);
      expect(suite.stderr).toMatch(/bad-suite\.yaml:4:26 tasks\.0\.promt: Unknown key `promt` \(did you mean `prompt`\?\)/);
      expect(suite.stderr).toMatch(/bad-suite\.yaml:5:24 params\.temperature: /);

      const config = await cli(['run', 'good-suite.yaml', '--config', 'bad-config.yaml'], ws.dir, server.url);
      expect(config.code).toBe(EXIT.config);
      expect(config.stderr).toMatch(/did you mean `concurrency`/);
      expect(config.stderr).toMatch(/timeouts\.idle_ms/);

      // An --out that cannot be created is found before the first request, not after an hour.
      const out = await cli(['run', 'good-suite.yaml', '--out', 'a-file/run'], ws.dir, server.url);
      expect(out.code).toBe(EXIT.config);
      expect(out.stderr).toMatch(/Cannot write to the output folder .*a-file\/run/);

      expect(server.requests).toHaveLength(0);
      expect(existsSync(ws.path('results'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
