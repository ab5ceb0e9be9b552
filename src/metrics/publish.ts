// Sends one export to every target given: the textfile, the Pushgateway (one PUT per suite, its
// grouping key {job, suite}) and the OTLP collector. A target that fails is a warning and is
// named in the result; the others still go, and the run's own files are already written.
import { relative } from 'node:path';
import type { Env } from '../env.js';
import type { Logger } from '../log.js';
import { VERSION } from '../version.js';
import { mergeFamilies, type SuiteMetrics } from './families.js';
import { renderOtlp } from './otlp.js';
import { renderPrometheus } from './prometheus.js';
import { postOtlp, pushgatewayUrl, pushToGateway, writeTextfile, type SendOptions } from './send.js';
import type { MetricsTargets } from './targets.js';

export interface Published {
  /** One line per target that failed. */
  failed: string[];
}

export async function publishMetrics(targets: MetricsTargets, suites: readonly SuiteMetrics[], env: Env, logger: Logger, send: Partial<SendOptions> = {}): Promise<Published> {
  const options: SendOptions = { vars: env.env, ...send };
  const failed: string[] = [];
  const attempt = async (what: string, action: () => Promise<string | null | void>) => {
    try {
      const note = await action();
      if (note) logger.warn(`metrics: ${what}: ${note}`);
      else logger.info(`metrics: ${what}`);
    } catch (error) {
      failed.push(`${what}: ${(error as Error).message}`);
    }
  };
  if (targets.file) {
    const file = targets.file;
    await attempt(`wrote ${relative(env.cwd, file) || file}`, () => writeTextfile(file, renderPrometheus(mergeFamilies(suites))));
  }
  if (targets.pushgateway) {
    const { url, job, headers } = targets.pushgateway;
    for (const suite of suites) {
      const target = pushgatewayUrl(url, job, suite.suite);
      await attempt(`pushed to ${target}`, () => pushToGateway(target, renderPrometheus(suite.families), headers, options));
    }
  }
  if (targets.otlp) {
    const { url, headers } = targets.otlp;
    await attempt(`sent OTLP to ${url}`, () => postOtlp(url, renderOtlp(suites, { version: VERSION }), headers, options));
  }
  return { failed };
}
