// A base URL may carry `user:password@` (a gateway in front of the API). The password is never
// written: not in run.json, not in the /models cache, not in a log line at debug level. Resume
// then needs the URL again, and says so, rather than sending to an endpoint it guessed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runCli } from './helpers/cli.js';
import { readJson } from './helpers/results.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const PASSWORD = 's3cretGatewayPassw0rd';
let server: MockServer;
let ws: Workspace;
let url: string;

beforeAll(async () => {
  server = await startMockServer({ ttftMs: 1, itlMs: 0, tokens: 3, generationDelayMs: 5 });
  url = server.url.replace('http://', `http://alice:${PASSWORD}@`);
  ws = await workspace({ 'suite.yaml': 'name: creds\nmodels: [openai/gpt-4o-mini]\ntasks: [{ id: a, prompt: one }, { id: b, prompt: "two [[mock: fault=stall after=1 ms=20000]]" }]\n', 'agent-lab.config.yaml': 'generation: { first_delay_ms: 30, max_wait_ms: 5000 }\ntimeouts: { idle_ms: 300 }\nretry: { max_attempts: 1 }\nlog_level: warn\n' });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

/** Every file under the workspace that holds the password. */
async function leaks(): Promise<string[]> {
  const files = (await readdir(ws.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const found: string[] = [];
  for (const f of files) if ((await readFile(join(f.parentPath, f.name), 'utf8')).includes(PASSWORD)) found.push(join(f.parentPath, f.name));
  return found;
}

const env = (extra: Record<string, string> = {}) => ({ OPENROUTER_API_KEY: 'sk-or-v1-creds-0123456789', AGENT_LAB_CACHE_DIR: ws.path('cache'), ...extra });

describe('a password in the base URL', () => {
  it('from --base-url: lands in no file and no debug line; resume asks for the URL again', async () => {
    const run = await runCli(['run', 'suite.yaml', '--base-url', url, '--out', 'flag', '-v', '--history', 'history.jsonl'], { cwd: ws.dir, env: env() });
    expect(run.code, run.stderr).toBe(1); // task b stalls: one failed job
    expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    expect(await leaks()).toEqual([]);
    const info = await readJson(ws.path('flag/run.json'));
    expect(info.settings.base_url).toBe(server.url.replace('http://', 'http://[REDACTED]@'));
    expect(info.options.baseUrl).toBe(server.url.replace('http://', 'http://[REDACTED]@'));

    const blind = await runCli(['resume', 'flag', '--retry-errors'], { cwd: ws.dir, env: env() });
    expect(blind.code).toBe(2);
    expect(blind.stderr).toContain('run.json keeps the base URL without its password');
    expect(blind.stderr).toContain('--base-url');
    const sent = server.requests.length;
    const resumed = await runCli(['resume', 'flag', '--retry-errors', '--base-url', url], { cwd: ws.dir, env: env() });
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(server.requests.length).toBe(sent + 1);
    expect(await leaks()).toEqual([]);
  });

  it('from OPENROUTER_BASE_URL: lands in no file; resume takes it from the environment again', async () => {
    const run = await runCli(['run', 'suite.yaml', '--out', 'envurl', '-v', '--no-history'], { cwd: ws.dir, env: env({ OPENROUTER_BASE_URL: url }) });
    expect(run.code, run.stderr).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(PASSWORD);
    expect(await leaks()).toEqual([]);
    const resumed = await runCli(['resume', 'envurl', '--retry-errors'], { cwd: ws.dir, env: env({ OPENROUTER_BASE_URL: url }) });
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(await leaks()).toEqual([]);
  });
});
