// Runs the agent-lab CLI inside this process and, as the process exits, writes its resource
// usage (user and system CPU, peak RSS) as one JSON line to fd 3. A parent cannot read a
// child's rusage from Node, and /proc/<pid> is gone once the child exits, so the child reports
// on itself: process.resourceUsage() in an 'exit' handler sees the whole run, start-up included.
// Usage: node bench/measure.mjs dist/cli.js run suite.yaml ...   (spawned with a pipe on fd 3)
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const script = resolve(process.argv[2]);
// The CLI reads process.argv as [node, script, ...args]: drop this wrapper's own slot.
process.argv.splice(1, 1);
process.argv[1] = script;

process.on('exit', (code) => {
  const u = process.resourceUsage();
  const report = { userCpuUs: u.userCPUTime, systemCpuUs: u.systemCPUTime, maxRssKiB: u.maxRSS, exitCode: code };
  try {
    writeSync(3, `${JSON.stringify(report)}\n`);
  } catch {
    // No fd 3 (run by hand): say it on stderr instead.
    process.stderr.write(`measure: ${JSON.stringify(report)}\n`);
  }
});

await import(pathToFileURL(script).href);
