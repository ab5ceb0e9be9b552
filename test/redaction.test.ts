// Issue 15.2: a server (a gateway, a proxy, a debugging endpoint) that echoes the request's
// headers in its error bodies must not get the key written anywhere. The real CLI runs against a
// loopback server that quotes every header it was sent — in a 400 JSON body, an HTML error page, a
// 503, a mid-stream error event, a malformed event, the answer's text and /generation's 404 —
// and every file it leaves, its stdout and its stderr are searched for the key.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact, redactor } from '../src/log.js';
import { contentEvent, finishEvents, hostileServer, promptOf, type Hostile, type Seen } from './helpers/hostile.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const KEY = 'sk-or-v1-echoed-canary-4be1d07c9a3f5e28';

/** Every header as `Name: value` lines, the way a debugging gateway prints a request. */
const headerDump = (seen: Seen) =>
  Object.entries(seen.headers)
    .map(([name, value]) => `${name.replace(/(^|-)\w/g, (c) => c.toUpperCase())}: ${String(value)}`)
    .join('\n');

function echo(seen: Seen, res: import('node:http').ServerResponse): void {
  const prompt = promptOf(seen);
  const dump = headerDump(seen);
  if (seen.path.startsWith('/generation')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ error: { code: 404, message: `no generation for request with ${dump}` } }));
  }
  if (prompt.includes('json400')) {
    res.writeHead(400, { 'content-type': 'application/json' });
    // The key in the message, in metadata, and as a bare header object.
    return void res.end(JSON.stringify({ error: { code: 400, message: `Invalid request headers:\n${dump}`, metadata: { raw: dump, headers: seen.headers } } }));
  }
  if (prompt.includes('html400')) {
    res.writeHead(400, { 'content-type': 'text/html' });
    return void res.end(`<html><body><h1>400 Bad Request</h1><pre>${dump}</pre></body></html>`);
  }
  if (prompt.includes('plain503')) {
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' });
    return void res.end(`upstream unavailable; request was ${JSON.stringify(seen.headers)}`);
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (prompt.includes('midstream')) {
    const error = { code: 502, message: `upstream refused ${dump}`, metadata: { raw: seen.headers.authorization } };
    return void res.end(`${contentEvent('partial ')}${contentEvent('', { error })}data: [DONE]\n\n`);
  }
  if (prompt.includes('malformed')) return void res.end(`${contentEvent('partial ')}data: {"echo": Authorization: ${seen.headers.authorization}\n\n${finishEvents()}`);
  // An echo endpoint: the answer's text is the request's headers.
  res.end(`${contentEvent(dump)}${finishEvents(20)}`);
}

function run(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH!, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

let server: Hostile;
let ws: Workspace;
beforeAll(async () => {
  server = await hostileServer(echo);
  ws = await workspace({
    'agent-lab.config.yaml': `${FAST_CONFIG}\noutput_dir: runs\n`,
    'suite.yaml': `
name: echoes
models: [hostile/model]
tasks:
  - { id: json400, prompt: json400 }
  - { id: html400, prompt: html400 }
  - { id: plain503, prompt: plain503 }
  - { id: midstream, prompt: midstream }
  - { id: malformed, prompt: malformed }
  - { id: echo, prompt: echo, checks: [{ contains: "Accept" }] }
`,
  });
});
afterAll(async () => {
  await server?.close();
  await ws?.cleanup();
});

describe('a server that echoes the request headers', () => {
  it('never gets the key into a file, a log line at any level, stdout or stderr', async () => {
    const out = await run(['run', 'suite.yaml', '--out', 'runs/r1', '--no-preflight', '--save-responses', '-v', '--junit', 'junit.xml', '--history', 'history.jsonl'], ws.dir, {
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_BASE_URL: server.url,
      GITHUB_STEP_SUMMARY: ws.path('step-summary.md'),
    });
    // The server did get the key, and did echo it back: the test is not vacuous.
    expect(server.requests.filter((r) => r.path === '/chat/completions').every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('debug:');
    expect(out.stdout + out.stderr).not.toContain(KEY);
    const files = await allFiles(ws.dir);
    const names = files.map((f) => f.slice(ws.dir.length + 1));
    for (const expected of ['runs/r1/results.jsonl', 'runs/r1/results.csv', 'runs/r1/summary.json', 'runs/r1/run.json', 'runs/r1/report.html', 'junit.xml', 'history.jsonl', 'step-summary.md']) {
      expect(names).toContain(expected);
    }
    expect(names.some((n) => n.startsWith('runs/r1/responses/'))).toBe(true);
    for (const file of files) expect(await readFile(file, 'utf8'), file).not.toContain(KEY);

    // What the user reads still says what happened, with the secret marked, not cut away.
    const rows = (await readFile(ws.path('runs/r1/results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const byTask = new Map(rows.map((r) => [r.task_id, r]));
    expect(byTask.get('json400')).toMatchObject({ error_kind: 'bad_request', http_status: 400 });
    expect(byTask.get('json400')!.error_message).toMatch(/Invalid request headers:[\s\S]*Authorization: \[REDACTED\]/);
    expect(byTask.get('html400')!.error_message).toMatch(/400 Bad Request.*Authorization: \[REDACTED\]/);
    expect(byTask.get('plain503')).toMatchObject({ error_kind: 'server', http_status: 503 });
    expect(byTask.get('plain503')!.error_message).toContain('"authorization":"[REDACTED]"');
    expect(byTask.get('midstream')).toMatchObject({ error_kind: 'stream' });
    expect(byTask.get('midstream')!.error_message).toContain('Authorization: [REDACTED]');
    expect(byTask.get('malformed')!.error_message).toMatch(/malformed stream event.*Authorization: \[REDACTED\]/);
    expect(byTask.get('echo')).toMatchObject({ status: 'ok' });
    // The answer's text loses the key itself, and nothing else: a code answer may rightly say `Bearer ${token}`.
    expect(byTask.get('echo')!.output_text).toContain('Authorization: Bearer [REDACTED]');
  });
});

describe('redact()', () => {
  const r = redactor([KEY]);
  it('hides the key wherever it stands, and header values and Bearer tokens that are not the key', () => {
    expect(r(`key=${KEY}.`)).toBe('key=[REDACTED].');
    expect(r('Authorization: Bearer sk-other-0123456789abcdef')).toBe('Authorization: [REDACTED]');
    expect(r('{"authorization":"Bearer sk-xyz-0123456789","x":1}')).toBe('{"authorization":"[REDACTED]","x":1}');
    expect(r("{'Api-Key': 'abcdef0123456789'}")).toBe("{'Api-Key': '[REDACTED]'}");
    expect(r('x-api-key=abcdef0123456789&y=2')).toBe('x-api-key=[REDACTED]&y=2');
    expect(r('"proxy-authorization":["Basic dXNlcjpwYXNz"]')).toBe('"proxy-authorization":["[REDACTED]"]');
    expect(r('sent with bearer eyJhbGciOiJIUzI1NiJ9.e30.sig and more')).toBe('sent with bearer [REDACTED] and more');
  });

  it('is idempotent: text redacted twice (at the row, then in the logger) reads the same', () => {
    for (const text of [`Authorization: Bearer ${KEY}\nAccept: */*`, '{"authorization":["Bearer sk-xyz-0123456789"]}', 'https://u:p@h/ Bearer abcdefgh12345']) {
      expect(r(r(text))).toBe(r(text));
      expect(r(r(text).replace(/\s+/g, ' '))).toBe(r(text).replace(/\s+/g, ' '));
    }
  });

  it('hides URL credentials and keeps the rest of the URL', () => {
    expect(redact('GET https://alice:s3cret@proxy.corp:3128/x failed')).toBe('GET https://[REDACTED]@proxy.corp:3128/x failed');
    expect(redact('http://token@host/')).toBe('http://[REDACTED]@host/');
    expect(redact('mail me at a@b.c, see https://openrouter.ai/api/v1')).toBe('mail me at a@b.c, see https://openrouter.ai/api/v1');
  });

  it('leaves ordinary error text alone', () => {
    for (const text of ['HTTP 429 Too Many Requests', 'Bearer token missing', 'authorization failed for this model', 'The api key is invalid (401)']) expect(r(text)).toBe(text);
  });
});
