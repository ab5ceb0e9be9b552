// `agent-lab merge DIR|GLOB... --out DIR`: the shards of one suite as one run folder.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { gatesOf, withGates } from './options.js';

export function register(program: Command, exit: (code: number) => void): void {
  const merge = program
    .command('merge')
    .description('Combine the run folders of the shards of one suite (`run --shard i/n`) into one; checks they cover the matrix exactly once. Gates and --junit apply to the merged results.')
    .argument('<dirs...>', "the shards' run folders, folders holding them (as CI artifact downloads lay them out) or quoted globs like 'shards/shard-*'")
    .requiredOption('-o, --out <dir>', 'write the merged run here');
  withGates(merge).action(async (dirs, opts) => {
    const { mergeCommand } = await import('../ci/merge.js');
    exit(await mergeCommand({ dirs, out: opts.out, ...gatesOf(opts) }, processEnv()));
  });
}
