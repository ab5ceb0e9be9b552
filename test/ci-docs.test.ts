// The README and the CI examples in docs/ stay true: their YAML parses, every agent-lab flag they
// use is one the command really has (read from its --help), every suite they name ships and
// loads, and suites/regression.yaml on the simulator ends as the README says (exit 3).
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadSuite } from '../src/config/load.js';
import { resolveSuite } from '../src/config/resolve.js';
import { readTasks } from './helpers/tasks.js';
import { ConfigSchema } from '../src/config/schema.js';
import { runCli } from './helpers/cli.js';
import { readJson, readResults } from './helpers/results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMMANDS = ['run', 'plan', 'models', 'resume', 'recheck', 'merge', 'compare', 'history', 'report', 'show', 'mock-server'];
const helpCache = new Map<string, Promise<string>>();
const help = (command: string): Promise<string> => {
  if (!helpCache.has(command)) helpCache.set(command, runCli([command, '--help']).then((r) => r.stdout));
  return helpCache.get(command)!;
};
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');

/** Every `agent-lab <command> ...` in the code blocks and inline code of a document, continued lines joined. */
function invocations(text: string): { command: string; args: string }[] {
  const blocks = [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!.replace(/\\\n\s*/g, ' ').replace(/\n\s{6,}--/g, ' --'));
  const inline = [...text.matchAll(/`(agent-lab [^`\n]+)`/g)].map((m) => m[1]!);
  const found: { command: string; args: string }[] = [];
  for (const part of [...blocks, ...inline]) {
    for (const m of part.matchAll(new RegExp(`agent-lab (${COMMANDS.join('|')})\\b([^\\n;#|}]*)`, 'g'))) found.push({ command: m[1]!, args: m[2]! });
  }
  return found;
}

const DOCS = ['README.md', 'docs/ci-github.md', 'docs/ci-gitlab.md', 'docs/ci-kubernetes.md', 'docs/cron.md'];

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);

  it('has YAML that parses', () => {
    const blocks = [...text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)];
    expect(blocks.length).toBeGreaterThan(0);
    // A block may hold several documents (a Kubernetes manifest with `---`).
    for (const m of blocks) {
      const docs = parseAllDocuments(m[1]!);
      expect(docs.length).toBeGreaterThan(0);
      for (const d of docs) expect(d.errors, m[1]!.slice(0, 60)).toEqual([]);
    }
  });

  it('uses only flags the commands have', async () => {
    const found = invocations(text);
    expect(found.length).toBeGreaterThan(0);
    for (const { command, args } of found) {
      const known = await help(command);
      for (const flag of args.match(/(?<![\w-])--[a-z0-9-]+/g) ?? []) expect(known, `${doc}: agent-lab ${command} ${flag}`).toContain(flag);
    }
  });

  it('names only suites that ship, and they load without a problem', async () => {
    const named = [...new Set([...text.matchAll(/suites\/[\w-]+\.yaml/g)].map((m) => m[0]))];
    expect(named.length).toBeGreaterThan(0);
    for (const path of named) {
      expect(existsSync(join(ROOT, path)), `${doc}: ${path}`).toBe(true);
      const suite = resolveSuite(await loadSuite(join(ROOT, path)), ConfigSchema.parse({}));
      expect((await readTasks(suite)).length).toBeGreaterThan(0);
    }
  });
});

describe('the CI examples', () => {
  it('run and merge suites/regression.yaml', () => {
    for (const doc of ['docs/ci-github.md', 'docs/ci-gitlab.md', 'docs/ci-kubernetes.md']) {
      const found = invocations(read(doc));
      expect(found.map((f) => f.command)).toEqual(expect.arrayContaining(['run', 'merge']));
      expect(found.find((f) => f.command === 'run')!.args).toContain('suites/regression.yaml');
    }
  });
});

describe("README's sample output", () => {
  it('is what the quick-start command prints: the same table columns, progress on stderr, data on stdout', async () => {
    const sample = /\$ npx agent-lab run suites\/example.yaml --mock\n([\s\S]*?)^```/m.exec(read('README.md'))![1]!.split('\n');
    const dir = await mkdtemp(join(tmpdir(), 'agent-lab-quick-'));
    try {
      const r = await runCli(['run', join(ROOT, 'suites/example.yaml'), '--mock', '--out', dir, '--no-history'], { cwd: dir, env: { AGENT_LAB_CACHE_DIR: join(dir, 'cache') } });
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout.split('\n');
      const err = r.stderr.trim().split('\n');
      // The sample is stderr's lines first, then stdout's, as a terminal shows them.
      expect(sample.slice(0, 2).map((l) => l.split(':')[0])).toEqual(err.slice(0, 2).map((l) => l.split(':')[0]));
      const header = sample.find((l) => l.startsWith('model '))!;
      expect(out[0]).toBe(header);
      expect(out.filter((l) => /^(openai|sonnet|all)/.test(l))).toHaveLength(sample.filter((l) => /^(openai|sonnet|all)/.test(l)).length);
      for (const prefix of ['cost: actual', 'providers:', 'results:']) {
        expect(out.some((l) => l.startsWith(prefix)), prefix).toBe(true);
        expect(sample.some((l) => l.startsWith(prefix)), prefix).toBe(true);
      }
      expect(r.stdout).not.toMatch(/^(estimate|agent-lab)/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('suites/regression.yaml', () => {
  it('has suite checks, task checks of text, JSON and limits, a schema file and all three gates', async () => {
    const suite = resolveSuite(await loadSuite(join(ROOT, 'suites/regression.yaml')), ConfigSchema.parse({}));
    const kinds = new Set((await readTasks(suite)).flatMap((t) => (t.checks ?? []).map((c) => c.kind)));
    for (const kind of ['icontains', 'is_json', 'json_schema', 'max_latency_ms']) expect(kinds.has(kind as never), kind).toBe(true);
    expect(Object.keys(suite.gates ?? {}).sort()).toEqual(['max_p95_latency_ms', 'max_total_cost', 'min_pass_rate']);
    expect((await readJson(join(ROOT, 'suites/schemas/city.json'))).required).toEqual(['city', 'country', 'population']);
    // The simulator's control language must not reach real models.
    const sent = read('suites/regression.yaml').split('\n').filter((line) => !/^\s*#/.test(line));
    expect(sent.join('\n')).not.toMatch(/\[\[mock:/);
  });

  it('on --mock: the content checks fail, latency and cost limits pass, and min_pass_rate exits 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-lab-regression-'));
    try {
      const r = await runCli(['run', join(ROOT, 'suites/regression.yaml'), '--mock', '--out', dir, '--no-history'], { cwd: dir, env: { AGENT_LAB_CACHE_DIR: join(dir, 'cache') } });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).not.toMatch(/Warning/);
      expect(r.stdout).toMatch(/FAIL\s+min_pass_rate\s+openai\/gpt-4o-mini \/ assistant: pass rate 0% \(0\/9\) < 90%/);
      expect(r.stdout).toMatch(/pass\s+max_p95_latency_ms/);
      expect(r.stdout).toMatch(/pass\s+max_total_cost/);
      const rows = await readResults(dir);
      expect(rows).toHaveLength(18);
      const verdicts = new Map<string, Set<boolean>>();
      for (const row of rows) {
        expect(row.status).toBe('ok');
        for (const check of row.checks) {
          const kind = check.name.split(' ')[0]!;
          verdicts.set(kind, (verdicts.get(kind) ?? new Set()).add(check.pass));
        }
      }
      // As the README says: generated words fail what an answer must say, and the 20-token limit.
      for (const kind of ['max_latency_ms', 'max_cost_usd', 'max_ttft_ms', 'not_contains']) expect([...verdicts.get(kind)!], kind).toEqual([true]);
      for (const kind of ['icontains', 'is_json', 'json_schema', 'equals', 'max_tokens']) expect([...verdicts.get(kind)!], kind).toEqual([false]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('suites/judge.yaml', () => {
  it('grades on the simulator as its README section says: judge, tool-call and code checks, the judge cost apart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-lab-judge-suite-'));
    try {
      const r = await runCli(['run', join(ROOT, 'suites/judge.yaml'), '--mock', '--out', dir, '--no-history'], { cwd: dir, env: { AGENT_LAB_CACHE_DIR: join(dir, 'cache') } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('judge: 2 verdicts asked, 0 from the run');
      const rows = await readResults(dir);
      expect(rows).toHaveLength(4);
      const of = (task: string, model: string) => rows.find((x) => x.task_id === task && x.model === model)!;
      // mock/tools calls the tool the prompt names, with the prompt's JSON as its arguments.
      expect(of('weather', 'mock/tools').passed).toBe(true);
      expect(of('weather', 'mock/tools').tool_calls.map((c) => c.name)).toEqual(['get_weather']);
      expect(of('weather', 'openai/gpt-4o-mini').passed).toBe(false);
      for (const model of ['openai/gpt-4o-mini', 'mock/tools']) {
        const refund = of('refund', model);
        const [judge, script] = refund.checks;
        expect(judge).toMatchObject({ verdict: expect.stringMatching(/^(pass|fail)$/), threshold: 0.5 });
        expect(typeof judge!.score).toBe('number');
        expect(script!.reason).toMatch(/^\d+ words$/);
        expect(refund.judge_cost_usd).toBeGreaterThan(0);
        expect(refund.cost_usd).not.toBe(refund.judge_cost_usd);
      }
      const plan = await runCli(['plan', join(ROOT, 'suites/judge.yaml'), '--mock'], { cwd: dir });
      expect(plan.stdout).toMatch(/^mock\/judge \(judge\) +2 /m);
      expect(plan.stdout).toContain('4 job(s) and 2 judge request(s).');
      const summary = await readJson<{ overall: { judge_cost_usd: number; total_cost_usd: number; cost_usd: number } }>(join(dir, 'summary.json'));
      expect(summary.overall.total_cost_usd).toBeCloseTo(summary.overall.cost_usd + summary.overall.judge_cost_usd, 12);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
