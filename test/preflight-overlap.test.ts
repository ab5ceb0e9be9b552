// Issue 16: /models is fetched while the suite is read (its URL never comes from the suite), and
// a suite that fails stops that fetch: the error is out at once, not after /models answers or
// times out (30 s). A loopback server that takes /models and never answers it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { waitFor } from './helpers/wait.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const asked: string[] = [];
const hanging: ServerResponse[] = [];
const closed: string[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  asked.push(`${req.method} ${req.url}`);
  hanging.push(res);
  req.socket.once('close', () => closed.push(req.url ?? ''));
});
let base: string;
let ws: Workspace;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  ws = await workspace({
    // Valid YAML, invalid suite: the last task has no prompt. Reading 3,000 tasks first (~100 ms
    // and more) takes the CLI well past the moment /models is on the wire (a few ms on loopback).
    'bad.yaml': `name: bad\nmodels: [openai/gpt-4o-mini]\ntasks:\n${Array.from({ length: 3000 }, (_, i) => `  - { id: t${i}, prompt: "question ${i}" }\n`).join('')}  - id: last\n`,
  });
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await ws.cleanup();
});

describe('/models beside the suite', () => {
  it('is asked before the suite is checked, and a bad suite stops it: exit 2 at once, not after the 30 s timeout', async () => {
    const started = performance.now();
    const result = await runCli(['run', 'bad.yaml', '--base-url', base], { cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-or-v1-test' }, timeout: 20_000 });
    const took = performance.now() - started;
    expect(result.stderr).toContain('bad.yaml');
    expect(result.code).toBe(2);
    // The fetch had started (the overlap), and nothing but /models was sent. The child may exit
    // before this process's loop has read what it wrote: wait for the server's side to catch up.
    await waitFor(() => asked.length > 0 && closed.length > 0, { what: 'the /models request seen and closed', timeout: 5000 });
    expect(asked).toEqual(['GET /api/v1/models']);
    // Aborted, not waited for: the server never answered it.
    expect(closed).toEqual(['/api/v1/models']);
    expect(took).toBeLessThan(10_000);
  });
});
