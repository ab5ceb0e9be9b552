// Ids come from the suite and may hold anything but whitespace: `/` crashed --save-responses and
// `../` wrote a file outside the run folder. Every id that names a file goes through safeName.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeName } from '../src/store/safe-name.js';
import { runCli } from './helpers/cli.js';
import { FAST_CONFIG, workspace, type Workspace } from './helpers/workspace.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

describe('safeName', () => {
  it('keeps a plain id as it is and makes any other one a single harmless name, distinct from its neighbours', () => {
    expect(safeName('capital')).toBe('capital');
    expect(safeName('gpt-4o_mini.v2')).toBe('gpt-4o_mini.v2');
    for (const id of ['a/b', '../../escape', '..', '.', '.hidden', 'a\\b', 'x'.repeat(300), 'a\u0000b', 'é/ü']) {
      const name = safeName(id);
      expect(name, id).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(name.length, id).toBeLessThanOrEqual(100);
    }
    // `a/b` and `a_b` both exist in a suite: two files, not one overwriting the other.
    expect(safeName('a/b')).not.toBe(safeName('a_b'));
    expect(safeName('a/b')).not.toBe(safeName('a:b'));
  });
});

describe('--save-responses with hostile ids', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace({
      'agent-lab.config.yaml': FAST_CONFIG,
      'deep/suite.yaml': `name: ids
models: [openai/gpt-4o-mini]
system_prompts: { "../../sp-escape": "Be brief.", "x/y": "" }
tasks:
  - { id: "../../../escape", prompt: one }
  - { id: "a/b", prompt: two }
  - { id: "a_b", prompt: three }
`,
    });
  });
  afterAll(() => ws.cleanup());

  it('writes one response per job, every file inside the run folder', async () => {
    const before = await filesUnder(ws.dir);
    const result = await runCli(['run', 'deep/suite.yaml', '--mock', '--out', 'deep/run/out', '--save-responses', '--no-history'], { cwd: ws.dir, env: { AGENT_LAB_CACHE_DIR: ws.path('cache') } });
    expect(result.code, result.stderr).toBe(0);
    const made = (await filesUnder(ws.dir)).filter((f) => !before.includes(f) && !f.startsWith('cache/'));
    expect(made.filter((f) => !f.startsWith('deep/run/out/'))).toEqual([]);
    const responses = made.filter((f) => f.startsWith('deep/run/out/responses/'));
    expect(responses).toHaveLength(6);
    expect(responses.every((f) => !f.slice('deep/run/out/responses/'.length).includes('/'))).toBe(true);
  });
});
