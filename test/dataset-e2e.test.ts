// The shipped dataset example end to end against the simulator: from its own request log, the
// simulator received exactly the rendered prompts, system prompts and image parts of every row,
// and every result row carries its vars and the sha256 of the messages that were sent.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEnv } from '../src/env.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { runSuite } from '../src/run/index.js';
import type { Message } from '../src/types/job.js';
import type { JobResult } from '../src/types/result.js';
import { readResults } from './helpers/results.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'suites/data');
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

let server: MockServer;
let ws: Workspace;
let rows: JobResult[];
let exitCode: number;
/** What each task should have sent, worked out here from the data files, not by agent-lab. */
const expected = new Map<string, { messages: Message[]; vars: Record<string, unknown> }>();

beforeAll(async () => {
  const system: Message = { role: 'system', content: 'Answer in French, in one sentence.' };
  expected.set('capital-au', { messages: [system, { role: 'user', content: 'What is the capital of Australia?' }], vars: { lang: 'French' } });
  const csv = parseCsv(await readFile(join(DATA, 'capitals.csv')), { columns: true }) as Record<string, string>[];
  for (const row of csv) {
    const vars = { lang: 'French', ...row };
    expected.set(`capital-${row.qid}`, { messages: [system, { role: 'user', content: `What is the capital of ${row.country}? ${row.note}` }], vars });
  }
  for (const line of (await readFile(join(DATA, 'pictures.jsonl'), 'utf8')).trim().split('\n')) {
    const row = JSON.parse(line) as Record<string, string>;
    const bytes = await readFile(join(DATA, row.image!));
    const mime = row.image!.endsWith('.png') ? 'image/png' : 'image/gif';
    const content = [
      { type: 'text' as const, text: 'What colour is this flag? Answer in one word.' },
      { type: 'image_url' as const, image_url: { url: `data:${mime};base64,${bytes.toString('base64')}` } },
    ];
    expected.set(row.id!, { messages: [system, { role: 'user', content }], vars: { lang: 'French', style: 'one word', ...row } });
  }

  server = await startMockServer({ ttftMs: 5, itlMs: 1, generationDelayMs: 20 });
  ws = await workspace({ 'agent-lab.config.yaml': FAST_CONFIG });
  const env = memoryEnv({ cwd: ws.dir, env: { OPENROUTER_API_KEY: 'sk-test', OPENROUTER_BASE_URL: server.url } });
  const report = await runSuite({ suitePath: join(ROOT, 'suites/dataset.yaml'), out: 'out', vars: { lang: 'French' }, history: false }, env);
  exitCode = report.exitCode;
  rows = await readResults(ws.path('out'));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await ws?.cleanup();
});

describe('a dataset suite against the simulator', () => {
  it('runs one job per row (CSV and JSONL) and per plain task', () => {
    expect(exitCode).toBe(0);
    expect(rows.map((r) => r.task_id).sort()).toEqual([...expected.keys()].sort());
    expect(server.requests).toHaveLength(expected.size);
  });

  it('the simulator received exactly the rendered messages: prompts, system prompts and image parts', () => {
    for (const row of rows) {
      const entry = server.requests.find((r) => r.job === row.job_id);
      const want = expected.get(row.task_id)!.messages;
      // The log keeps digests, never text: each part's sha256 and size, an image's type and bytes.
      const text = (t: string) => ({ type: 'text', sha256: sha(t), chars: t.length });
      const logged = want.map((m) => ({
        role: m.role,
        plain: typeof m.content === 'string',
        parts:
          typeof m.content === 'string'
            ? [text(m.content)]
            : m.content.map((p) =>
                p.type === 'text'
                  ? text(p.text)
                  : { type: 'image_url', sha256: sha(p.image_url.url), mime: /^data:([^;]+);/.exec(p.image_url.url)![1], bytes: Buffer.from(p.image_url.url.split(',')[1]!, 'base64').length },
              ),
      }));
      expect(entry?.messages, row.task_id).toEqual(logged);
    }
  });

  it('every row carries its vars (--var over the suite, the entry and the row) and the sha256 of the messages sent', () => {
    for (const row of rows) {
      const want = expected.get(row.task_id)!;
      expect(row.vars, row.task_id).toEqual(want.vars);
      expect(row.prompt_sha256, row.task_id).toBe(sha(JSON.stringify(want.messages)));
    }
  });

  it('judges each row by its own rendered check', () => {
    for (const row of rows) {
      const want = expected.get(row.task_id)!.vars;
      const needle = row.task_id === 'capital-au' ? 'Canberra' : String(want.capital ?? want.colour);
      expect(row.checks.map((c) => c.name), row.task_id).toEqual([`icontains ${JSON.stringify(needle)}`]);
    }
  });

  it('results.csv has vars as a JSON column and prompt_sha256, at the end', async () => {
    const csv = parseCsv(await readFile(ws.path('out/results.csv')), { columns: true }) as Record<string, string>[];
    const header = Object.keys(csv[0]!);
    expect(header.slice(header.indexOf('vars'), header.indexOf('vars') + 2)).toEqual(['vars', 'prompt_sha256']);
    expect(header.indexOf('vars')).toBeGreaterThan(header.indexOf('cost_cached_usd'));
    for (const line of csv) {
      const row = rows.find((r) => r.job_id === line.job_id)!;
      expect(JSON.parse(line.vars!)).toEqual(row.vars);
      expect(line.prompt_sha256).toBe(row.prompt_sha256);
    }
  });
});

describe('the simulator and content parts', () => {
  it('refuses an image part that is not an http(s) or data:image URL, like the real API', async () => {
    const body = { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] };
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('messages[0].content[0] is not a valid content part');
  });
});
