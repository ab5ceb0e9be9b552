// Files a suite names are input: a device, a FIFO or a path out of the suite's folder is refused
// before anything is read or sent (config/files.ts), unless the user opts in to outside paths.
import { execFileSync } from 'node:child_process';
import { symlink, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite } from '../src/config/load.js';
import { readSuiteFile } from '../src/config/files.js';
import { memoryEnv } from '../src/env.js';
import { ConfigError } from '../src/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace({ 'outside/secret.txt': 'the secret', 'outside/schema.json': '{"type":"object"}', 'suites/plain.md': 'a prompt' });
  execFileSync('mkfifo', [ws.path('suites/pipe.md')]);
  await symlink(ws.path('outside/secret.txt'), ws.path('suites/link.md'));
});
afterAll(() => ws.cleanup());

const suite = (task: string, extra = '') => `name: files\nmodels: [openai/gpt-4o-mini]\n${extra}tasks:\n  - { id: t, ${task} }\n`;

async function problem(text: string, options = {}): Promise<string> {
  const file = await ws.write(`suites/s${Math.random().toString(36).slice(2)}.yaml`, text);
  const error = await loadSuite(file, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues.map((i) => i.message).join('\n') || (error as Error).message;
}

describe('a file a suite names', () => {
  it('is refused when it is a device, at once: /dev/zero would fill memory', async () => {
    expect(await problem(suite('prompt_file: /dev/zero'))).toMatch(/Prompt file `\/dev\/zero` is outside the suite's folder/);
    expect(await problem(suite('prompt_file: /dev/zero', 'allow_outside_files: true\n'))).toMatch(/Prompt file `\/dev\/zero` is a device, not a regular file/);
  });

  it('is refused when it is a named pipe, which would hang the run for ever', async () => {
    expect(await problem(suite('prompt_file: pipe.md'))).toMatch(/Prompt file `pipe\.md` is a named pipe \(FIFO\), not a regular file/);
  });

  it('is refused outside the suite folder by default: a path with .., an absolute one, a symlink that points out', async () => {
    expect(await problem(suite('prompt_file: ../outside/secret.txt'))).toMatch(/Prompt file `\.\.\/outside\/secret\.txt` is outside the suite's folder .*allow_outside_files: true.*--allow-outside-files/);
    expect(await problem(suite('prompt_file: ../../../../../../etc/shadow'))).toMatch(/is outside the suite's folder|does not exist/);
    expect(await problem(suite(`prompt_file: ${ws.path('outside/secret.txt')}`))).toMatch(/is outside the suite's folder/);
    expect(await problem(suite('prompt_file: link.md'))).toMatch(/Prompt file `link\.md` is outside the suite's folder/);
    expect(await problem(suite('prompt: hi', 'system_prompts: { s: { file: ../outside/secret.txt } }\n'))).toMatch(/System prompt file .* is outside/);
    expect(await problem(suite('prompt: hi, checks: [{ json_schema: { file: ../outside/schema.json } }]'))).toMatch(/JSON Schema file .* is outside/);
  });

  it('holds for datasets and their images too: a dataset or an image out of the folder is refused unless opted in', async () => {
    await ws.write('outside/rows.csv', 'q\nhello\n');
    await writeFile(ws.path('outside/pic.png'), Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea73d9a180000000049454e44ae426082', 'hex'));
    const dataset = 'from: ../outside/rows.csv, prompt: "{{ q }}"';
    expect(await problem(`name: files\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - { ${dataset} }\n`)).toMatch(/Dataset file `\.\.\/outside\/rows\.csv` is outside the suite's folder/);
    expect(await problem(`name: files\nmodels: [openai/gpt-4o-mini]\ntasks:\n  - { from: pipe.md, prompt: x }\n`)).toMatch(/Dataset file .*(named pipe|\.csv|\.jsonl)/);
    const images = await ws.write('suites/images.yaml', suite('prompt: look, images: [../outside/pic.png]'));
    const refused = await runCli(['plan', images, '--mock'], { cwd: ws.dir });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/image file `\.\.\/outside\/pic\.png` is outside the suite's folder/);
    const allowed = await runCli(['plan', images, '--mock', '--allow-outside-files'], { cwd: ws.dir });
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('may be outside when the suite or the run opts in', async () => {
    const bySuite = await ws.write('suites/opt-in.yaml', suite('prompt_file: ../outside/secret.txt', 'allow_outside_files: true\n'));
    expect((await loadSuite(bySuite)).files['../outside/secret.txt']).toBe('the secret');
    const byFlag = await ws.write('suites/opt-flag.yaml', suite('prompt_file: link.md'));
    expect((await loadSuite(byFlag, { allowOutsideFiles: true })).files['link.md']).toBe('the secret');
    expect((await loadSuite(await ws.write('suites/inside.yaml', suite('prompt_file: plain.md')))).files['plain.md']).toBe('a prompt');
  });

  it('is read with a bound: readSuiteFile says what is wrong, never throws', async () => {
    await ws.write('suites/big.md', 'x'.repeat(2000));
    expect(await readSuiteFile('big.md', { base: ws.path('suites'), allowOutside: false, maxBytes: 1000 })).toMatchObject({ ok: false, problem: expect.stringMatching(/over the/) });
    expect(await readSuiteFile('nope.md', { base: ws.path('suites'), allowOutside: false })).toMatchObject({ ok: false, problem: 'does not exist' });
    const read = await readSuiteFile('plain.md', { base: ws.path('suites'), allowOutside: false });
    expect(read.ok && read.bytes.toString()).toBe('a prompt');
  });
});

describe('a suite that points out of its folder, end to end', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ ttftMs: 1, itlMs: 0, tokens: 3, generationDelayMs: 5 });
  });
  afterAll(() => server.close());

  it('is exit 2 before any request, with the file and line; --allow-outside-files lets it run', async () => {
    await ws.write('suites/agent-lab.config.yaml', FAST_CONFIG);
    await ws.write('suites/leak.yaml', suite('prompt_file: ../outside/secret.txt'));
    const env = memoryEnv({ cwd: ws.path('suites'), env: { OPENROUTER_API_KEY: 'k', OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    const error = await runSuite({ suitePath: 'leak.yaml', out: 'out-leak', history: false }, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect((error as ConfigError).issues[0]).toMatchObject({ file: ws.path('suites/leak.yaml'), line: 4, path: 'tasks.0.prompt_file' });
    expect(server.requests).toHaveLength(0);
    const ran = await runSuite({ suitePath: 'leak.yaml', out: 'out-allowed', history: false, allowOutsideFiles: true }, env);
    expect(ran.exitCode).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('a suite or config file named on the command line that is a FIFO is refused, not waited on', async () => {
    const result = await runCli(['plan', 'pipe.md', '--mock'], { cwd: ws.path('suites'), timeout: 15_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pipe\.md is a named pipe \(FIFO\), not a regular file/);
  });
});
