// Summarise a V8 .cpuprofile (from `node --cpu-prof`, or BENCH_CPU_PROF=dir npm run bench):
// self time per function and per file, heaviest first. Usage: node bench/prof-top.mjs FILE [N]
import { readFileSync } from 'node:fs';

const [file, n = '25'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/prof-top.mjs FILE.cpuprofile [N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// Sample intervals are in µs; each sample is charged to the node that was on top of the stack.
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const fns = new Map();
const files = new Map();
let total = 0;
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const short = url.replace(/^.*\/(node_modules|dist|src)\//, '$1/') || '(native)';
  const key = `${functionName || '(anonymous)'}  ${short}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  files.set(short, (files.get(short) ?? 0) + us);
  total += us;
}
const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
const ms = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)} %`;
process.stdout.write(`total sampled ${(total / 1000).toFixed(0)} ms\n\nby function\n`);
for (const [k, us] of top(fns)) process.stdout.write(`${ms(us)}  ${k}\n`);
process.stdout.write('\nby file\n');
for (const [k, us] of top(files)) process.stdout.write(`${ms(us)}  ${k}\n`);
