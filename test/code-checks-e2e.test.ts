// Custom code checks end to end on the simulator (mock/echo answers with the prompt): a real
// script in a node:vm context and a real command fed the row on stdin. A crash, a timeout, an
// attempt at fs or a reply of the wrong shape is an error verdict; files outside the suite's
// folder are refused before anything is sent.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import { readJson, readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-code-checks-key-0123456789abcdef';

const FILES = {
  'checks/short.mjs': `// at most five words
export default function (row) {
  const words = row.output_text.trim().split(/\\s+/).length;
  return { pass: words <= 5, score: Math.min(1, 5 / words), reason: words + ' words' };
}
`,
  'checks/boom.mjs': 'export default function () { throw new Error("boom"); }\n',
  'checks/loop.mjs': 'export default function () { for (;;) {} }\n',
  'checks/fs.mjs': 'export default function () { return require("node:fs").readFileSync("/etc/passwd", "utf8"); }\n',
  'checks/shape.mjs': 'export default function (row) { return { pass: "yes" }; }\n',
  'checks/yes.cjs': `let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const row = JSON.parse(input);
  const pass = row.output_text.includes('yes');
  console.log(JSON.stringify({ pass, reason: pass ? 'said yes' : 'no yes in ' + row.task_id }));
});
`,
  'checks/crash.cjs': 'process.stderr.write("bad input\\n"); process.exit(3);\n',
};

const SUITE = `name: code
models: [mock/echo]
tasks:
  - id: short
    prompt: yes we can
    checks:
      - script: checks/short.mjs
      - command: [node, checks/yes.cjs]
  - id: long
    prompt: this answer has far more than five words in it
    checks:
      - script: checks/short.mjs
      - command: [node, checks/yes.cjs]
  - id: broken
    prompt: anything
    checks:
      - script: checks/boom.mjs
      - script: checks/loop.mjs
      - script: checks/fs.mjs
      - script: checks/shape.mjs
      - command: [node, checks/crash.cjs]
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => void (server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 })));
afterAll(() => server.close());
beforeEach(async () => void (ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG, 'suite.yaml': SUITE, ...FILES })));
afterEach(() => ws.cleanup());

const env = () => memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });

describe('script and command checks', () => {
  it('give pass, score and reason; a crash, a timeout, fs access or a bad reply is an error verdict', async () => {
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false }, env());
    const rows = new Map((await readResults(ws.path('out'))).map((r) => [r.task_id, r]));
    expect(rows.get('short')!.checks).toEqual([
      { name: 'script checks/short.mjs', pass: true, verdict: 'pass', detail: '3 words', reason: '3 words', score: 1 },
      { name: 'command node checks/yes.cjs', pass: true, verdict: 'pass', detail: 'said yes', reason: 'said yes' },
    ]);
    expect(rows.get('short')!.passed).toBe(true);
    const long = rows.get('long')!;
    expect(long.checks[0]).toMatchObject({ pass: false, verdict: 'fail', score: 0.5, reason: '10 words' });
    expect(long.checks[1]).toMatchObject({ pass: false, verdict: 'fail', reason: 'no yes in long' });
    expect(long.passed).toBe(false);
    const broken = rows.get('broken')!.checks;
    expect(broken.every((c) => c.verdict === 'error' && c.pass === false)).toBe(true);
    expect(broken[0]!.detail).toBe('code check error: boom');
    expect(broken[1]!.detail).toMatch(/timed out after 1000ms/);
    expect(broken[2]!.detail).toBe('code check error: require is not defined');
    expect(broken[3]!.detail).toBe('code check error: the check\'s `pass` is "yes", not true or false');
    expect(broken[4]!.detail).toBe('code check error: node checks/crash.cjs exited 3: bad input');
    expect(rows.get('broken')!.passed).toBeNull();
    const summary = await readJson(ws.path('out/summary.json'));
    expect(summary.overall).toMatchObject({ checked: 2, passed: 1, checks_errored: 1 });
    // Not fully graded: exit 1.
    expect(report.exitCode).toBe(1);
  }, 30_000);

  it('a script or command file outside the suite folder, or missing, is a suite error before anything is sent', async () => {
    await ws.write('suite.yaml', SUITE.replace('checks/short.mjs', '../short.mjs').replace('[node, checks/yes.cjs]', '[node, checks/nope.cjs]'));
    const before = server.requests.length;
    await expect(runSuite({ suitePath: 'suite.yaml', out: 'out', history: false }, env())).rejects.toMatchObject({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: 'tasks.0.checks.0.script', message: expect.stringMatching(/Check script `\.\.\/short\.mjs` .*(outside|does not exist)/) }),
        expect.objectContaining({ path: 'tasks.0.checks.1.command.1', message: expect.stringMatching(/Check command file `checks\/nope\.cjs`/) }),
      ]),
    });
    expect(server.requests.length).toBe(before);
  });
});
