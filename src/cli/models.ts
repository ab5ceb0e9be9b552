// `agent-lab models [ID]`: the endpoint's models, filtered and sorted, or one in full.
import { Option, type Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import type { SortKey } from '../models/list.js';
import { withEndpoint } from './options.js';
import { int } from './parsers.js';

// Spelled here, not imported: models/list.ts loads zod, and `--help` should not wait for it.
const SORT_KEYS = ['price', 'context', 'name', 'newest'] as const satisfies readonly SortKey[];

export function register(program: Command, exit: (code: number) => void): void {
  const models = program
    .command('models')
    .description('List the models of the endpoint (GET /models), filtered and sorted; or show one in full.')
    .argument('[id]', 'show this model (id or canonical slug) in full')
    .option('--search <text>', 'every word must occur in the id, name or canonical slug')
    .option('--free', 'only free models')
    .option('--supports <names>', 'only models supporting all of these (reasoning, tools, structured_outputs, or any parameter)')
    .option('--max-price <in/out>', 'max USD per million tokens, input/output (e.g. 1/4, /10, 0.5/)')
    .option('--min-context <n>', 'only models with at least this context length', int('min-context'))
    .addOption(new Option('--sort <key>', 'sort order').choices(SORT_KEYS))
    .option('--json', 'JSON for scripts')
    .option('--csv', 'CSV for scripts')
    .option('--refresh', 'ignore the 5-minute disk cache');
  withEndpoint(models, "list the built-in simulator's models").action(async (id, opts) => {
    const { modelsCommand } = await import('../models/command.js');
    exit(await modelsCommand(id, opts, processEnv()));
  });
}
