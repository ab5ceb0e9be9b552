// `agent-lab recheck DIR [--suite FILE]`: evaluate the suite's current checks on the answers a
// run folder holds, sending no subject request; rewrites the verdicts, summary, CSV, reports
// and the exit code as the run would.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { baseUrlOption, concurrencyOption, logOf, maxCostOption, withLog } from './options.js';
import { withSignals } from './signals.js';

export function register(program: Command, exit: (code: number) => void): void {
  const recheck = program
    .command('recheck')
    .description("Evaluate the suite's current checks (the judge included) on the answers in a run folder: no subject request is sent, a verdict already paid for is not asked again.")
    .argument('<dir>', 'the run folder (holds run.json and results.jsonl)')
    .option('--suite <file>', 'the suite whose checks to apply (default: the one the run used)');
  withLog(recheck)
    .addOption(baseUrlOption("API base URL for the judge (default: as the run had it)"))
    .addOption(concurrencyOption('judge requests in flight at once (default: as the run had it)'))
    .addOption(maxCostOption())
    .action(async (dir, opts) => {
      const env = withSignals(processEnv());
      const [{ resumeOptions }, { runSuite }] = await Promise.all([import('../run/resume.js'), import('../run/index.js')]);
      const given = { ...logOf(opts), baseUrl: opts.baseUrl, concurrency: opts.concurrency, maxCost: opts.maxCost, suitePath: opts.suite, recheck: true };
      exit((await runSuite(await resumeOptions(dir, given, env.cwd), env)).exitCode);
    });
}
