// The response cache's parts on their own: the key (what it hashes, what it never holds), an
// entry's round trip and every way a file can be unusable, atomic writes under concurrency, a
// writer killed mid-write, and `cache clear --older-than` by age.
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheInfo, clearCache, TEMP_GRACE_MS } from '../src/cache/admin.js';
import { cacheRoot, responseCacheDir } from '../src/cache/dir.js';
import { entryText, hitRow, readEntry } from '../src/cache/entry.js';
import { cacheKey, keyBase } from '../src/cache/key.js';
import { entryFile, readCacheEntry, writeCacheEntry } from '../src/cache/store.js';
import { summarize } from '../src/stats/aggregate.js';
import { job } from './helpers/jobs.js';
import { row } from './helpers/rows.js';
import { workspace, type Workspace } from './helpers/workspace.js';

const BASE = 'https://openrouter.ai/api/v1';

describe('the key', () => {
  const j = job({ params: { max_tokens: 100, temperature: 0, provider: { order: ['a'], allow_fallbacks: false } } });

  it('is the same for the same request whatever the key order of its params', () => {
    const reordered = job({ ...j, params: { provider: { allow_fallbacks: false, order: ['a'] }, temperature: 0, max_tokens: 100 } });
    expect(cacheKey(BASE, reordered, false)).toBe(cacheKey(BASE, j, false));
    expect(cacheKey(BASE, j, false)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with anything that changes the answer: endpoint, model, message, param, streaming', () => {
    const key = cacheKey(BASE, j, false);
    const others = [
      cacheKey('https://other.example/v1', j, false),
      cacheKey(BASE, { ...j, model: 'openai/gpt-4o' }, false),
      cacheKey(BASE, { ...j, messages: [{ role: 'user', content: 'What is the capital of Spain?' }] }, false),
      cacheKey(BASE, { ...j, params: { ...j.params, temperature: 0.1 } }, false),
      cacheKey(BASE, { ...j, stream: false }, false),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('gives each repeat its own entry, unless repeats share one', () => {
    expect(cacheKey(BASE, { ...j, repeat: 1 }, false)).not.toBe(cacheKey(BASE, j, false));
    expect(cacheKey(BASE, { ...j, repeat: 2 }, false)).not.toBe(cacheKey(BASE, { ...j, repeat: 1 }, false));
    // Shared, every repeat has repeat 0's key: the one an ordinary run stores for the first repeat.
    expect(cacheKey(BASE, { ...j, repeat: 1 }, true)).toBe(cacheKey(BASE, j, false));
  });

  it('names the endpoint without credentials or a trailing slash', () => {
    expect(keyBase('https://user:s3cret@proxy.example/api/v1/')).toBe('https://[REDACTED]@proxy.example/api/v1');
    expect(keyBase(`${BASE}/`)).toBe(BASE);
  });

  it('lives in --cache-dir, else responses/ under the one cache root /models uses', () => {
    expect(responseCacheDir({ env: { AGENT_LAB_CACHE_DIR: '/c' }, cwd: '/w' })).toBe('/c/responses');
    expect(responseCacheDir({ env: { XDG_CACHE_HOME: '/x' }, cwd: '/w' })).toBe('/x/agent-lab/responses');
    expect(responseCacheDir({ env: { HOME: '/h' }, cwd: '/w' }, 'mine')).toBe('/w/mine');
    expect(cacheRoot({ env: { HOME: '/h' } })).toBe('/h/.cache/agent-lab');
  });
});

describe('an entry', () => {
  const answered = row({ job_id: 'j1', output_text: 'Paris.', reasoning_text: 'hmm', ttft_ms: 120, ttfc_ms: 130, latency_ms: 400, itl_ms: 9, output_tps: 80, cost_usd: 0.0042 });
  const key = 'a'.repeat(64);
  const text = entryText(key, answered, { base: BASE, storedAt: '2026-12-01T00:00:00.000Z' });

  it('round-trips into a hit row: the answer as it was, cost 0, no attempt, timing only in cached_*', () => {
    const read = readEntry(text, key);
    if (!('entry' in read)) throw new Error(read.problem);
    const hit = hitRow(job({ job_id: 'j2' }), 'run-2', read.entry, '2026-12-02T00:00:00.000Z');
    expect(hit).toMatchObject({
      run_id: 'run-2',
      job_id: 'j2',
      status: 'ok',
      cache_hit: true,
      attempts: 0,
      attempt_log: [],
      http_status: null,
      output_text: 'Paris.',
      reasoning_text: 'hmm',
      stream: true,
      started_at: '2026-12-02T00:00:00.000Z',
      queue_ms: null,
      ttft_ms: null,
      ttfc_ms: null,
      latency_ms: null,
      itl_ms: null,
      output_tps: null,
      cached_started_at: answered.started_at,
      cached_ttft_ms: 120,
      cached_ttfc_ms: 130,
      cached_latency_ms: 400,
      cached_itl_ms: 9,
      cached_output_tps: 80,
      native_tokens_prompt: answered.native_tokens_prompt,
      cost_usd: 0,
      spent_usd: 0,
      cost_usage_usd: null,
      cost_estimate_usd: null,
      cost_source: 'cache',
      cost_cached_usd: 0.0042,
    });
  });

  it('holds nothing of the request: no params, no messages', () => {
    const json = JSON.parse(text);
    expect(Object.keys(json).sort()).toEqual(['answer', 'base_url', 'format', 'key', 'model', 'stored_at', 'version']);
    expect(json.answer.params).toBeUndefined();
    expect(text).not.toContain('max_tokens');
  });

  it('is unusable when cut short, edited, of another version or under another name', () => {
    const problem = (t: string, k = key) => {
      const read = readEntry(t, k);
      return 'problem' in read ? read.problem : null;
    };
    expect(problem(text.slice(0, text.length / 2))).toMatch(/^not JSON/);
    expect(problem('')).toMatch(/^not JSON/);
    expect(problem(text.replace('"version":1', '"version":2'))).toMatch(/^not an entry of this agent-lab \(version/);
    expect(problem(text.replace('"output_text":"Paris."', '"output_text":7'))).toMatch(/answer\.output_text/);
    expect(problem(text, 'b'.repeat(64))).toBe('its key is not its file name');
    expect(problem(text)).toBeNull();
  });

  it('a hit counts in `cached`, in no timing statistic and in no billed token sum; its original cost is summed apart', () => {
    const read = readEntry(text, key) as { entry: Parameters<typeof hitRow>[2] };
    const agg = summarize([row({ job_id: 'sent', latency_ms: 300, cost_usd: 0.001 }), hitRow(job({ job_id: 'hit', model: 'm/model', model_label: 'm/model', system_prompt_id: 'p' }), 'r', read.entry, 'now')], { run_id: 'r', suite: 's', started_at: '', finished_at: '', status: 'ok' });
    expect(agg.overall).toMatchObject({ n: 2, ok: 2, cached: 1, cost_usd: 0.001, cost_cached_usd: 0.0042, native_tokens_prompt: 12 });
    expect(agg.overall.latency_ms.n).toBe(1);
    expect(agg.overall.latency_ms.max).toBe(300);
  });
});

describe('the store', () => {
  let ws: Workspace;
  beforeEach(async () => void (ws = await workspace()));
  afterEach(() => ws.cleanup());
  const key = 'c'.repeat(64);
  const text = entryText(key, row(), { base: BASE, storedAt: '2026-12-01T00:00:00.000Z' });

  it('a missing entry is a plain miss; a corrupt one says why; an entry is private to its owner', async () => {
    const dir = ws.path('cache');
    expect(await readCacheEntry(dir, key)).toBeNull();
    await writeCacheEntry(dir, key, text);
    expect(await readCacheEntry(dir, key)).toMatchObject({ entry: { key } });
    expect((await stat(entryFile(dir, key))).mode & 0o777).toBe(0o600);
    await writeFile(entryFile(dir, key), '{"format":"agent-lab/response-cache","vers');
    expect(await readCacheEntry(dir, key)).toMatchObject({ problem: expect.stringMatching(/^not JSON/), file: entryFile(dir, key) });
  });

  it('many writers of one key at once: every read sees a whole entry, and no temp file is left', async () => {
    const dir = ws.path('cache');
    const reads: unknown[] = [];
    const writers = Array.from({ length: 40 }, () => writeCacheEntry(dir, key, text));
    const readers = Array.from({ length: 40 }, async () => reads.push(await readCacheEntry(dir, key)));
    await Promise.all([...writers, ...readers]);
    for (const read of reads) expect(read === null || 'entry' in (read as object)).toBe(true);
    expect(await readdir(join(dir, 'cc'))).toEqual([`${key}.json`]);
  });

  it('a writer killed mid-write leaves only a temp file, which no read opens and clear removes once stale', async () => {
    const dir = ws.path('cache');
    await writeCacheEntry(dir, key, text);
    const temp = `${entryFile(dir, key)}.4242-deadbeef.tmp`;
    await writeFile(temp, text.slice(0, 20));
    expect(await readCacheEntry(dir, key)).toMatchObject({ entry: { key } });
    expect(await cacheInfo(dir)).toMatchObject({ entries: 1, temp_files: 1 });
    // A fresh temp file may be a write in progress: clear keeps it for an hour.
    expect(await clearCache(dir, null, Date.now())).toMatchObject({ removed: 1 });
    expect(await cacheInfo(dir)).toMatchObject({ entries: 0, temp_files: 1 });
    await clearCache(dir, null, Date.now() + TEMP_GRACE_MS);
    expect(await cacheInfo(dir)).toMatchObject({ entries: 0, temp_files: 0 });
  });

  it('clear --older-than removes only older entries, and never a file the cache did not write', async () => {
    const dir = ws.path('cache');
    const old = 'd'.repeat(64);
    await writeCacheEntry(dir, key, text);
    await writeCacheEntry(dir, old, entryText(old, row(), { base: BASE, storedAt: 'x' }));
    // A whole second: utimes passes seconds as a float, and a millisecond can come back 1 lower.
    const tenDaysAgo = new Date(Math.floor((Date.now() - 10 * 86_400_000) / 1000) * 1000);
    await utimes(entryFile(dir, old), tenDaysAgo, tenDaysAgo);
    await ws.write('cache/notes.txt', 'mine');
    await ws.write('cache/dd/readme.json', '{}');
    const info = await cacheInfo(dir);
    expect(info).toMatchObject({ exists: true, entries: 2, oldest: tenDaysAgo.toISOString() });
    expect(await clearCache(dir, 7 * 86_400_000, Date.now())).toMatchObject({ removed: 1, kept: 1 });
    expect(await readCacheEntry(dir, old)).toBeNull();
    expect(await readCacheEntry(dir, key)).toMatchObject({ entry: { key } });
    expect(await clearCache(dir, null, Date.now())).toMatchObject({ removed: 1, kept: 0 });
    expect(await readFile(ws.path('cache/notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(ws.path('cache/dd/readme.json'), 'utf8')).toBe('{}');
    expect(await cacheInfo(ws.path('nowhere'))).toMatchObject({ exists: false, entries: 0, oldest: null });
  });
});
