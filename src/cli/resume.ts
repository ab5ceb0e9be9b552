// `agent-lab resume DIR`: the run recorded in DIR/run.json again; the flags given here win.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { baseUrlOption, concurrencyOption, logOf, maxCostOption, resumeOf, withLog, withResume } from './options.js';
import { batchHeap, withSignals } from './signals.js';

export function register(program: Command, exit: (code: number) => void): void {
  const resume = program
    .command('resume')
    .description('Continue a stopped, interrupted or killed run: same suite, filters and options (from <dir>/run.json).')
    .argument('<dir>', 'the run folder (holds run.json and results.jsonl)');
  withLog(withResume(resume))
    .addOption(baseUrlOption('API base URL (default: as the run had it)'))
    .addOption(concurrencyOption('requests in flight at once (default: as the run had it)'))
    .addOption(maxCostOption())
    .action(async (dir, opts) => {
      const env = withSignals(processEnv());
      batchHeap();
      const [{ resumeOptions }, { runSuite }] = await Promise.all([import('../run/resume.js'), import('../run/index.js')]);
      const given = { ...resumeOf(opts), ...logOf(opts), baseUrl: opts.baseUrl, concurrency: opts.concurrency, maxCost: opts.maxCost };
      exit((await runSuite(await resumeOptions(dir, given, env.cwd), env)).exitCode);
    });
}
