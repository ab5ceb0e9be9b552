// `timeout -s INT 2h agent-lab run ...` (a cron or CI time limit) sends SIGINT twice at once: to
// its child, then to its whole process group, which holds the child too. Mostly the kernel merges
// the two; when it does not, the second one aborted the jobs in flight at once instead of giving
// them their grace. Two SIGINTs a few milliseconds apart are one Ctrl-C.
// In the `timed` project: the 15 ms between the signals must stay well inside the CLI's 100 ms window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { spawnCli } from './helpers/cli.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-ctrl-c-timeout-0123456789';
// Each answer takes 2.5 s to its first token; the Ctrl-C comes while the first two are in flight.
const SUITE = `
name: slow
models: [openai/gpt-4o-mini]
tasks:
${Array.from({ length: 4 }, (_, i) => `  - { id: t${i}, prompt: "slow ${i} [[mock: ttft=2500 tokens=3]]" }`).join('\n')}
params: { max_tokens: 20 }
concurrency: 2
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => {
  server = await startMockServer({ apiKey: KEY, generationDelayMs: 20 });
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(async () => {
  await server.close();
  await ws.cleanup();
});

describe('two SIGINTs at once', () => {
  it('are one Ctrl-C: the jobs in flight finish ok within the grace, exit 130', async () => {
    const run = spawnCli(['run', 'suite.yaml', '--out', 'out', '--no-history'], {
      cwd: ws.dir,
      env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url, AGENT_LAB_CACHE_DIR: ws.path('cache') },
    });
    // Both streams have started (the simulator wrote their first byte); their tokens are 2.5 s away.
    await run.until(() => server.requests.filter((r) => r.first_byte_at !== null).length === 2, { what: 'two requests in flight' });
    run.child.kill('SIGINT');
    setTimeout(() => run.child.kill('SIGINT'), 15);
    const { code, stderr } = await run.exit;
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('Stopping: no new jobs');
    expect(stderr).not.toContain('Aborting in-flight jobs');
    // The two in flight finished with their answers; the two never sent have no row.
    expect((await readResults(ws.path('out'))).map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(server.requests).toHaveLength(2);
  }, 30_000);
});
