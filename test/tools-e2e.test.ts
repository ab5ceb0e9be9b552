// Tool calls end to end against the simulator's mock/tools, which calls the tool the prompt
// names (or tool_choice forces) with the JSON object in the prompt as its arguments, streamed
// as `delta.tool_calls` fragments (finish reason tool_calls) or whole without streaming.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import type { JobResult } from '../src/types/result.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const KEY = 'sk-or-v1-tools-e2e-key-0123456789abcdef';
const WEATHER = JSON.stringify([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }]);

const SUITE = `name: tools
models:
  - mock/tools
  - { id: mock/tools, label: whole, stream: false }
vars: { town: Paris }
tasks:
  - id: calls
    prompt: 'Call get_weather with {"city": "Paris"}'
    tools: { file: tools.json }
    checks:
      - tool_called: get_weather
      - tool_called: { name: get_weather, arguments: { type: object, required: [city], properties: { city: { const: Paris } } } }
      - tool_args_equal: { name: get_weather, arguments: { city: "{{ town }}" } }
  - id: wrong-args
    prompt: 'Call get_weather with {"town": "Paris"}'
    tools: { file: tools.json }
    checks:
      - tool_called: { name: get_weather, arguments: { type: object, required: [city] } }
      - tool_args_equal: { name: get_weather, arguments: { city: Paris } }
      - no_tool_call: true
  - id: broken
    prompt: 'Call get_weather BROKEN-ARGS'
    tools: ${WEATHER}
    checks:
      - tool_args_equal: { name: get_weather, arguments: { city: Paris } }
  - id: words
    prompt: 'What is the weather like?'
    tools: ${WEATHER}
    tool_choice: none
    checks:
      - no_tool_call: true
      - tool_called: get_weather
`;

let server: MockServer;
let ws: Workspace;
beforeAll(async () => void (server = await startMockServer({ apiKey: KEY, ttftMs: 5, itlMs: 1, generationDelayMs: 10 })));
afterAll(() => server.close());
beforeEach(async () => void (ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG, 'tools.json': WEATHER, 'suite.yaml': SUITE })));
afterEach(() => ws.cleanup());

describe('tool calls', () => {
  it('are sent as request fields, kept on the row (streamed and whole) and checked each way', async () => {
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    const report = await runSuite({ suitePath: 'suite.yaml', out: 'out', history: false }, env);
    expect(report.summary.overall.errors).toBe(0);
    const rows = await readResults(ws.path('out'));
    const cell = (task: string, label: string) => rows.find((r) => r.task_id === task && r.model_label === label)!;
    const pass = (row: JobResult) => row.checks.map((c) => c.pass);
    for (const label of ['mock/tools', 'whole']) {
      const calls = cell('calls', label);
      // A tool-only answer: no text, its call on the row, finish reason tool_calls.
      expect(calls).toMatchObject({ output_text: '', finish_reason: 'tool_calls', stream: label === 'mock/tools' });
      expect(calls.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris"}' }]);
      expect(pass(calls)).toEqual([true, true, true]);
      expect(calls.passed).toBe(true);

      const wrong = cell('wrong-args', label);
      expect(pass(wrong)).toEqual([false, false, false]);
      expect(wrong.checks[0]!.detail).toMatch(/must have required property 'city'/);
      expect(wrong.checks[1]!.detail).toBe('get_weather: got {"town":"Paris"}');
      expect(wrong.checks[2]!.detail).toBe('called get_weather');

      const broken = cell('broken', label);
      expect(broken.tool_calls[0]!.arguments).toBe('{"city": "Par');
      expect(broken.checks[0]).toMatchObject({ pass: false });
      expect(broken.checks[0]!.detail).toMatch(/^get_weather: arguments are not JSON: /);

      const words = cell('words', label);
      expect(words.tool_calls).toEqual([]);
      expect(words.output_text).not.toBe('');
      expect(pass(words)).toEqual([true, false]);
      expect(words.checks[1]!.detail).toBe('get_weather not called (no tool call)');
    }
    // The streamed answer came as fragments: the name first, then the arguments in pieces.
    const streamed = server.requests.filter((r) => r.model === 'mock/tools' && r.stream && r.status === 200);
    expect(streamed.length).toBe(4);
    expect(Math.max(...streamed.map((r) => r.completion_tokens))).toBeGreaterThan(2);
    // results.csv: tool_calls is a JSON column at the end.
    const csv = parse(await readFile(ws.path('out/results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const row = csv.find((r) => r.task_id === 'calls' && r.model_label === 'whole')!;
    expect(JSON.parse(row.tool_calls!)).toEqual([expect.objectContaining({ name: 'get_weather', arguments: '{"city":"Paris"}' })]);
    expect(Object.keys(csv[0]!).slice(-4)).toEqual(['tool_calls', 'judge_cost_usd', 'judge_tokens_prompt', 'judge_tokens_completion']);
  });

  it('a tools file that is not a list of definitions fails at load, with its line, before anything is sent', async () => {
    await ws.write('tools.json', '{"name": "get_weather"}');
    const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: KEY, OPENROUTER_BASE_URL: server.url } });
    const before = server.requests.length;
    await expect(runSuite({ suitePath: 'suite.yaml', out: 'out', history: false }, env)).rejects.toThrow(/tools/);
    expect(server.requests.length).toBe(before);
  });
});
