// At concurrency above ~5, the requests and /generation lookups in flight each listen on the run's
// abort signals; Node's default limit of 10 listeners then printed a MaxListenersExceededWarning
// on stderr in every real run. The listeners are removed as each request ends, so it is not a leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { runSuite } from '../src/run/index.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const SUITE = `
name: listeners
models: [openai/gpt-4o-mini, meta-llama/llama-3.1-8b-instruct]
tasks:
${Array.from({ length: 12 }, (_, i) => `  - { id: t${i}, prompt: "Question ${i}?" }`).join('\n')}
params: { max_tokens: 20 }
concurrency: 16
`;

let ws: Workspace;
beforeAll(async () => {
  ws = await workspace({ 'suite.yaml': SUITE, 'agent-lab.config.yaml': FAST_CONFIG });
});
afterAll(() => ws.cleanup());

describe('the run signals', () => {
  it('carry one listener per request in flight without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const stop = new AbortController();
      const abort = new AbortController();
      const env = memoryEnv({ cwd: ws.dir, signal: abort.signal, stopSignal: stop.signal });
      const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', mock: true, history: false, mockOptions: { ttftMs: 150, itlMs: 5 } }, env);
      expect(report.exitCode).toBe(0);
      expect(report.summary.overall.ok).toBe(24);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
  });
});
