// `agent-lab mock-server`: the simulator in its own process, so the bench's client and server do not share an event loop.
import type { Command } from '@commander-js/extra-typings';
import { processEnv } from '../env.js';
import { ConfigError, EXIT } from '../errors.js';
import type { MockOptions, MockServer } from '../mock/server.js';
import { from0, whole0 } from './parsers.js';

export function register(program: Command, exit: (code: number) => void): void {
  program
    .command('mock-server')
    .description('Start the built-in OpenRouter-compatible simulator on loopback.')
    .option('-p, --port <n>', 'port (default: a free one)', whole0('port'))
    .option('--host <host>', 'host', '127.0.0.1')
    .option('--ttft <ms>', 'time to first token for every model', from0('ttft'))
    .option('--itl <ms>', 'gap between tokens for every model', from0('itl'))
    .option('--tokens <n>', 'completion length', whole0('tokens'))
    .option('--generation-delay <ms>', '/generation answers 404 for this long after a stream', from0('generation-delay'))
    .option('--fault <directive>', 'a fault applied to every request, e.g. "rate_limit times=1"')
    .action(async (opts) => {
      const options: MockOptions = { host: opts.host, port: opts.port, ttftMs: opts.ttft, itlMs: opts.itl, tokens: opts.tokens, generationDelayMs: opts.generationDelay, fault: opts.fault };
      const server = await start(options);
      processEnv().stdout.write(`mock server listening on ${server.url}\n`);
      await new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      exit(EXIT.ok);
    });
}

/** A bad --fault or a port that is taken is a usage error: one line, exit 2. */
async function start(options: MockOptions): Promise<MockServer> {
  const [{ startMockServer }, { DirectiveError }] = await Promise.all([import('../mock/server.js'), import('../mock/directive.js')]);
  try {
    return await startMockServer(options);
  } catch (error) {
    if (error instanceof DirectiveError || (error as NodeJS.ErrnoException).code !== undefined) throw new ConfigError((error as Error).message);
    throw error;
  }
}
