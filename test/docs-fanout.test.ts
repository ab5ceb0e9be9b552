// The fan-out and dashboard examples in docs/ hold as far as a test can take them: the GitHub
// workflows pass GitHub's own workflow parser (@actions/workflow-parser), the Kubernetes
// manifests validate against the Kubernetes OpenAPI schemas (kubernetes-models), their shard
// counts agree with the commands, the GitLab job shards by `parallel:`, and every PromQL query
// (and the Grafana dashboard's) parses with Prometheus' own grammar and names only metrics and
// labels agent-lab sends. (ci-docs.test.ts checks that each YAML parses and each flag exists.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { FAMILIES } from '../src/metrics/families.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');
const blocks = (doc: string, lang: string) => [...read(doc).matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((m) => m[1]!);

function workflowErrors(content: string): string[] {
  const result = parseWorkflow({ name: 'workflow.yml', content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

describe('GitHub Actions workflows', () => {
  const workflows = ['docs/ci-github.md', 'docs/cron.md'].flatMap((doc) => blocks(doc, 'yaml').filter((y) => y.startsWith('# .github/workflows/')));

  it("pass GitHub's workflow parser (and the parser does refuse a broken one)", () => {
    expect(workflows).toHaveLength(2);
    for (const w of workflows) expect(workflowErrors(w), w.split('\n')[0]).toEqual([]);
    expect(workflowErrors(workflows[0]!.replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest')).length).toBeGreaterThan(0);
  });

  it('the shard matrix sets AGENT_LAB_SHARD for --shard auto, uploads each shard, and the merge job reads the downloads', () => {
    const w = parse(workflows[0]!);
    const shards: number[] = w.jobs.shard.strategy.matrix.shard;
    expect(w.jobs.shard.env.AGENT_LAB_SHARD).toBe(`\${{ matrix.shard }}/${shards.length}`);
    expect(w.env.SHARDS).toBe(shards.length);
    const run = w.jobs.shard.steps.find((s: { run?: string }) => s.run?.includes('agent-lab run')).run as string;
    expect(run).toContain('--shard auto');
    expect(w.jobs.shard.steps.some((s: { uses?: string; with?: { path?: string } }) => s.uses?.startsWith('actions/upload-artifact') && s.with?.path === 'results/shard-${{ matrix.shard }}')).toBe(true);
    expect(w.jobs.merge.needs).toBe('shard');
    const download = w.jobs.merge.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact'));
    const merge = w.jobs.merge.steps.find((s: { run?: string }) => s.run?.includes('agent-lab merge')).run as string;
    expect(merge).toContain(`merge ${download.with.path} `);
    expect(merge).toContain('--junit');
  });
});

describe('the GitLab pipeline', () => {
  it('shards by parallel: and --shard auto, and the gate job merges the shards it needs', () => {
    const [pipeline] = blocks('docs/ci-gitlab.md', 'yaml').map((y) => parse(y));
    const shard = pipeline['llm-shard'];
    expect(shard.parallel).toBe(4);
    expect(shard.script.join('\n')).toContain('--shard auto');
    expect(shard.artifacts.when).toBe('always');
    const gate = pipeline['llm-gate'];
    expect(gate.needs).toEqual([{ job: 'llm-shard', artifacts: true }]);
    expect(gate.script.join('\n')).toMatch(/agent-lab merge results --out results\/merged/);
    expect(pipeline.stages.indexOf(gate.stage)).toBeGreaterThan(pipeline.stages.indexOf(shard.stage));
  });
});

describe('the Kubernetes manifests', () => {
  const docs = blocks('docs/ci-kubernetes.md', 'yaml').flatMap((y) => parseAllDocuments(y).map((d) => d.toJS()));
  const jobs = docs.filter((d) => d.kind === 'Job');

  it('validate against the Kubernetes schemas (and a wrong type does not)', () => {
    expect(docs.map((d) => d.kind)).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    expect(() => new PersistentVolumeClaim(docs[0]).validate()).not.toThrow();
    for (const job of jobs) expect(() => new Job(job).validate(), job.metadata.name).not.toThrow();
    expect(() => new Job({ ...jobs[0], spec: { ...jobs[0].spec, completions: 'four' } }).validate()).toThrow(/completions/);
  });

  it('an Indexed Job whose completions are the --shard-count, and a merge of the same volume', () => {
    const [shards, merge] = jobs;
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', parallelism: shards.spec.completions });
    const script = shards.spec.template.spec.containers[0].command.join(' ');
    expect(script).toContain(`--shard auto --shard-count ${shards.spec.completions}`);
    expect(script).toContain('$JOB_COMPLETION_INDEX');
    expect(merge.spec.template.spec.containers[0].command.join(' ')).toMatch(/agent-lab merge \/results /);
    const claim = (job: typeof shards) => job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName;
    expect(claim(shards)).toBe(docs[0].metadata.name);
    expect(claim(merge)).toBe(docs[0].metadata.name);
    expect(docs[0].spec.accessModes).toEqual(['ReadWriteMany']);
  });
});

describe('the Grafana queries in docs/cron.md', () => {
  const queries = blocks('docs/cron.md', 'promql').flatMap((b) => b.split('\n').filter((l) => l.trim() && !l.startsWith('#')));
  const dashboard = JSON.parse(blocks('docs/cron.md', 'json')[0]!) as { panels: { targets: { expr: string }[] }[] };
  const exprs = [...queries, ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
  const LABELS = new Set(['suite', 'model', 'system_prompt', 'provider', 'quantile', 'role', 'kind', 'status', 'job', 'instance']);

  function syntaxErrors(expr: string): number {
    let errors = 0;
    promql.parse(expr).iterate({ enter: (node) => void (node.type.isError && errors++) });
    return errors;
  }

  it("parse with Prometheus' PromQL grammar (which refuses a broken query)", () => {
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const expr of exprs) expect(syntaxErrors(expr), expr).toBe(0);
    expect(syntaxErrors('sum by (model) (increase(agent_lab_cost_usd_total[1d])')).toBeGreaterThan(0);
  });

  it('name only metrics and labels agent-lab sends; cost per day and the p90 trend are there', () => {
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/\bagent_lab_[a-z_]+/g)) expect(FAMILIES, expr).toHaveProperty(name);
      for (const [, label] of expr.matchAll(/[{,]\s*([a-z_]+)\s*=/g)) expect(LABELS.has(label!), `${label} in ${expr}`).toBe(true);
      for (const [, list] of expr.matchAll(/by \(([^)]*)\)/g)) for (const label of list!.split(',')) expect(LABELS.has(label.trim()), expr).toBe(true);
    }
    expect(exprs).toContain('sum by (model) (increase(agent_lab_cost_usd_total{suite="nightly", role="subject"}[1d]))');
    expect(exprs).toContain('max by (model, system_prompt) (agent_lab_latency_seconds{suite="nightly", quantile="0.9"})');
  });
});
