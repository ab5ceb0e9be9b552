// Summarise a V8 .cpuprofile (from `node --cpu-prof`, or BENCH_CPU_PROF=dir npm run bench):
// self time per function and per file, heaviest first.
//   node bench/prof-top.mjs FILE [N] [--from MS] [--to MS] [--phases] [--total]
// --from/--to keep the samples of that window (ms since the profile started: start-up is
// `--to 150`); --phases prints where each 100 ms of the run went, by file; --total adds each
// function's total time (itself and what it called), which shows what a whole path costs.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, name === '--phases' || name === '--total' ? 1 : 2).at(1) ?? true;
};
const from = Number(flag('--from') ?? 0);
const to = Number(flag('--to') ?? Infinity);
const phases = flag('--phases') !== undefined;
const totals = flag('--total') !== undefined;
const [file, n = '25'] = args;
if (!file) {
  process.stderr.write('usage: node bench/prof-top.mjs FILE.cpuprofile [N] [--from MS] [--to MS] [--phases]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const short = (url) => url.replace(/^.*\/(node_modules|dist|src)\//, '$1/') || '(native)';
// Sample intervals are in µs; each sample is charged to the node that was on top of the stack.
const fns = new Map();
const inclusive = new Map();
const files = new Map();
const buckets = new Map();
let total = 0;
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i] ?? 0;
  at += us;
  if (at / 1000 < from || at / 1000 > to) continue;
  const { functionName, url, lineNumber } = byId.get(profile.samples[i]).callFrame;
  const where = short(url);
  const key = `${functionName || '(anonymous)'}  ${where}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  if (totals) {
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      const k = `${f.functionName || '(anonymous)'}  ${short(f.url)}:${f.lineNumber + 1}`;
      if (!seen.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      seen.add(k);
    }
  }
  files.set(where, (files.get(where) ?? 0) + us);
  total += us;
  if (phases && functionName !== '(idle)') {
    const b = Math.floor(at / 100_000);
    if (!buckets.has(b)) buckets.set(b, new Map());
    const m = buckets.get(b);
    m.set(where, (m.get(where) ?? 0) + us);
  }
}
const top = (map, k = Number(n)) => [...map].sort((a, b) => b[1] - a[1]).slice(0, k);
const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %`;
process.stdout.write(`total sampled ${(total / 1000).toFixed(0)} ms of ${(at / 1000).toFixed(0)} ms\n\nby function\n`);
for (const [k, us] of top(fns)) process.stdout.write(`${ms(us)}  ${k}\n`);
if (totals) {
  process.stdout.write('\nby function, total (itself and its callees)\n');
  for (const [k, us] of top(inclusive, Number(n) * 2)) process.stdout.write(`${ms(us)}  ${k}\n`);
}
process.stdout.write('\nby file\n');
for (const [k, us] of top(files)) process.stdout.write(`${ms(us)}  ${k}\n`);
if (phases) {
  process.stdout.write('\nbusy ms per 100 ms, by file\n');
  for (const [b, m] of [...buckets].sort((x, y) => x[0] - y[0])) {
    const busy = [...m.values()].reduce((a, v) => a + v, 0);
    process.stdout.write(`${String(b * 100).padStart(6)} ms  ${(busy / 1000).toFixed(0).padStart(3)}  ${top(m, 4).map(([f, us]) => `${f} ${(us / 1000).toFixed(0)}`).join(' · ')}\n`);
  }
}
