// `agent-lab cache info|clear`: the response cache folder.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { age } from './parsers.js';

export function register(program: Command, exit: (code: number) => void): void {
  const cache = program.command('cache').description('The response cache of `run --cache`: what it holds, and clearing it.');
  const dirHelp = 'the response cache folder (default: as `run --cache` finds it)';
  cache
    .command('info')
    .description('Where the response cache is, how many answers it holds and how old they are.')
    .option('--cache-dir <dir>', dirHelp)
    .option('--json', 'as JSON')
    .action(async (opts) => {
      const { runCacheInfo } = await import('../cache/command.js');
      exit(await runCacheInfo({ cacheDir: opts.cacheDir, json: Boolean(opts.json) }, processEnv()));
    });
  cache
    .command('clear')
    .description('Remove cached answers: all of them, or those older than --older-than.')
    .option('--cache-dir <dir>', dirHelp)
    .option('--older-than <age>', 'only answers stored longer ago than this: 90s, 30m, 12h, 7d or 2w', age('older-than'))
    .option('--json', 'what was removed, as JSON')
    .action(async (opts) => {
      const { runCacheClear } = await import('../cache/command.js');
      exit(await runCacheClear({ cacheDir: opts.cacheDir, olderThanMs: opts.olderThan, json: Boolean(opts.json) }, processEnv()));
    });
}
