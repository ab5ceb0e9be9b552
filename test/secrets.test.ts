// The API key must never be written anywhere: results, logs at any level, errors, crash output.
// Runs with a distinctive key through failures and debug logging, then greps every byte.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-SECRET-canary-7f3a9c2e5b8d1f4a6c0e';

/** The CLI's exit code and everything it printed, stdout and stderr. */
async function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runCli(args, { cwd, env });
  return { code, output: stdout + stderr };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let server: MockServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 20 });
  ws = await workspace({
    'agent-lab.config.yaml': FAST_CONFIG.replace('log_level: warn', 'log_level: debug'),
    'suite.yaml': `
name: secrets
models: [openai/gpt-4o-mini]
tasks:
  - { id: ok, prompt: hello }
  - { id: limited, prompt: "hi [[mock: fault=rate_limit times=1 retry_after=0]]" }
  - { id: broken, prompt: "hi [[mock: fault=midstream_error]]" }
  - { id: refused, prompt: "hi [[mock: fault=bad_request]]" }
`,
  });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

describe('the API key', () => {
  it('appears in no output, log line or file, even with debug logging and failures', async () => {
    const ok = await run(['run', 'suite.yaml', '--out', 'out', '--save-responses', '--log-level', 'debug'], ws.dir, {
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_BASE_URL: server.url,
    });
    expect(ok.code).toBe(1);
    expect(ok.output).toContain('debug:');
    expect(ok.output).not.toContain(KEY);
    const files = await allFiles(ws.path('out'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
    // The key did reach the server: the run was authenticated (the simulator 401s otherwise).
    // Four tasks, the rate-limited one sent twice.
    expect(server.requests.length).toBeGreaterThanOrEqual(5);
    expect(server.requests.every((r) => r.authorization_present)).toBe(true);
  });

  it('is not written by a resume (run.json records the command, never the key)', async () => {
    const resumed = await run(['resume', 'out', '--retry-errors', '-v'], ws.dir, { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url });
    expect(resumed.code).toBe(1);
    expect(resumed.output).toContain('debug:');
    expect(resumed.output).not.toContain(KEY);
    const runJson = await readFile(ws.path('out/run.json'), 'utf8');
    expect(runJson).toContain('"options"');
    for (const file of await allFiles(ws.path('out'))) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
  });

  it('is not echoed by an auth failure or a connection error', async () => {
    const wrong = await run(['run', 'suite.yaml', '--out', 'out2', '-v'], ws.dir, {
      OPENROUTER_API_KEY: `${KEY}-wrong`,
      OPENROUTER_BASE_URL: server.url,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/refused the key/);
    expect(wrong.output).not.toContain(KEY);
    const unreachable = await run(['run', 'suite.yaml', '--out', 'out3', '-v'], ws.dir, {
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).not.toContain(KEY);
    for (const file of await allFiles(ws.dir)) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);
  });

  it('is never required in a file: a missing key is one clear sentence and exit 2, nothing sent', async () => {
    const sent = server.requests.length;
    const missing = await run(['run', 'suite.yaml', '--out', 'out4'], ws.dir, { OPENROUTER_BASE_URL: server.url });
    expect(missing.code).toBe(2);
    expect(missing.output).toMatch(/set OPENROUTER_API_KEY in the environment.*--mock/);
    expect(server.requests.length).toBe(sent);
  });
});
