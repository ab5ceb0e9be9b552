// `agent-lab run SUITE`: the flags → RunOptions → runSuite (planSuite with --dry-run).
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import type { RunOptions } from '../run/options.js';
import { cacheOf, concurrencyOption, costOf, type Mapped, endpointOf, filesOf, filterOf, gatesOf, loadOf, logOf, metricsOf, paramsOf, resumeOf, selectionOf, shardOf, streamOf, withCache, withCost, withEndpoint, withFiles, withFilter, withGates, withLoad, withLog, withMetrics, withParams, withResume, withSelection, withShard, withStream } from './options.js';
import { batchHeap, withSignals } from './signals.js';

export function register(program: Command, exit: (code: number) => void): void {
  const run = program
    .command('run')
    .description('Run a suite: tasks × models × system prompts × repeats.')
    .argument('<suite>', 'suite YAML file')
    .option('-o, --out <dir>', 'write results exactly here (default: results/<suite>/<UTC time>/)');
  const sent = withFiles(withShard(withCost(withParams(withSelection(withFilter(withEndpoint(run, 'run against the built-in OpenRouter simulator (no key, no network)')))))))
    .addOption(concurrencyOption())
    .option('--no-preflight', 'do not check the models and params against /models first')
    .option('--dry-run', 'print the plan (matrix, estimated tokens and cost range) and send nothing')
    .option('--json', 'with --dry-run: the plan as JSON')
    .option('--resume <dir>', 'continue the run in <dir>: skip finished jobs, append, rewrite reports')
    .option('-y, --yes', 'do not ask before a run over confirm_above (jobs or USD at stake)');
  const written = withResume(sent, 'with --resume: ')
    .option('--save-responses', 'also write one Markdown file per job to responses/')
    .option('--baseline <dir>', 'at the end, compare with this run folder (or summary.json); writes compare.md')
    .option('--fail-on <rules>', 'with --baseline: exit 3 on a significant change past these, e.g. "pass_rate<-5pp,cost>+10%"')
    .option('--history <file>', 'append this run to <file> (default: <output_dir>/history.jsonl)')
    .option('--no-history', 'do not append this run to the history file');
  withLoad(withStream(withCache(withMetrics(withLog(withGates(written))))))
    .action(async (suitePath, opts) => {
      // Every RunOptions key is named here (Mapped): a new option does not compile until the flag maps to it.
      const options: Mapped<Omit<RunOptions, 'mockOptions' | 'recheck'>> = {
        suitePath,
        ...endpointOf(opts),
        ...filterOf(opts),
        ...selectionOf(opts),
        ...filesOf(opts),
        ...paramsOf(opts),
        ...costOf(opts),
        ...resumeOf(opts),
        ...gatesOf(opts),
        ...logOf(opts),
        ...metricsOf(opts),
        ...shardOf(opts),
        ...cacheOf(opts),
        ...streamOf(opts),
        ...loadOf(opts),
        out: opts.out,
        concurrency: opts.concurrency,
        saveResponses: Boolean(opts.saveResponses),
        resume: opts.resume,
        preflight: opts.preflight,
        baseline: opts.baseline,
        failOn: opts.failOn,
        history: opts.history,
        yes: opts.yes ? true : undefined,
      };
      if (opts.dryRun) {
        const { planSuite } = await import('../run/plan.js');
        return exit((await planSuite({ ...options, json: Boolean(opts.json) }, processEnv())).exitCode);
      }
      const env = withSignals(processEnv());
      batchHeap();
      const { runSuite } = await import('../run/index.js');
      exit((await runSuite(options, env)).exitCode);
    });
}
