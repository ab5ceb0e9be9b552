// Pure: `--shard auto` from the CI engine's variables. Not ci-parallel-vars: it returns each engine's
// raw index without saying whose, so 0- and 1-based engines cannot be told apart.
import { ConfigError } from '../errors.js';
import { parseShard, type Shard } from './shard.js';

export type ShardOption = Shard | 'auto';

export interface ShardSource {
  shard: Shard;
  /** Where it came from, for the log and the plan: `GitLab (CI_NODE_INDEX=2, CI_NODE_TOTAL=4)`. */
  from: string;
}

type Vars = Record<string, string | undefined>;

interface Engine {
  name: string;
  index: string;
  total: string | null;
  base: 0 | 1;
}

const ENGINES: Engine[] = [
  { name: 'GitLab', index: 'CI_NODE_INDEX', total: 'CI_NODE_TOTAL', base: 1 },
  { name: 'CircleCI', index: 'CIRCLE_NODE_INDEX', total: 'CIRCLE_NODE_TOTAL', base: 0 },
  { name: 'Buildkite', index: 'BUILDKITE_PARALLEL_JOB', total: 'BUILDKITE_PARALLEL_JOB_COUNT', base: 0 },
  { name: 'Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX', total: null, base: 0 },
];
export const SHARD_VAR = 'AGENT_LAB_SHARD';

const set = (vars: Vars, name: string) => (vars[name]?.trim() ? vars[name]!.trim() : undefined);

/** null: the whole matrix. */
export function resolveShard(option: ShardOption | undefined, shardCount: number | undefined, vars: Vars): ShardSource | null {
  if (option !== 'auto') {
    if (shardCount !== undefined) throw new ConfigError('`--shard-count` goes with `--shard auto` (for a Kubernetes Indexed Job): drop it, or pass `--shard auto`.');
    return option ? { shard: option, from: '--shard' } : null;
  }
  const source = fromEnv(vars, shardCount);
  if (shardCount !== undefined && source.shard.count !== shardCount) {
    throw new ConfigError(`\`--shard-count ${shardCount}\` disagrees with ${source.from}: drop --shard-count, or make them agree.`);
  }
  return source;
}

function fromEnv(vars: Vars, shardCount: number | undefined): ShardSource {
  const explicit = set(vars, SHARD_VAR);
  if (explicit !== undefined) {
    try {
      return { shard: parseShard(explicit), from: `${SHARD_VAR}=${explicit}` };
    } catch {
      throw new ConfigError(`Expected ${SHARD_VAR} as i/n with 1 ≤ i ≤ n, like 2/4; got \`${explicit}\`.`);
    }
  }
  for (const engine of ENGINES) {
    const index = set(vars, engine.index);
    const totalText = engine.total === null ? undefined : set(vars, engine.total);
    // GitLab sets CI_NODE_TOTAL=1 on every job and CI_NODE_INDEX only with `parallel:`.
    if (index === undefined && !(engine.name === 'GitLab' && totalText === '1')) continue;
    if (engine.total === null && shardCount === undefined) {
      throw new ConfigError(`${engine.index}=${index} says this is a ${engine.name}; it does not say how many pods there are: pass \`--shard-count N\` (the Job's completions).`);
    }
    const total = engine.total === null ? shardCount! : whole(totalText, engine.total, 1);
    const i = index === undefined ? 1 : whole(index, engine.index, engine.base) + (1 - engine.base);
    if (i > total) throw new ConfigError(`${engine.index}=${index} is past the last of ${total} shards (${engine.name} counts from ${engine.base}).`);
    const pair = engine.total === null ? `${engine.index}=${index}, --shard-count ${total}` : `${engine.index}=${index ?? '(unset)'}, ${engine.total}=${totalText}`;
    return { shard: { index: i, count: total }, from: `${engine.name} (${pair})` };
  }
  throw new ConfigError(
    `\`--shard auto\` found no shard in the environment. Set ${SHARD_VAR}=i/n (GitHub Actions: from strategy.matrix), or run where the engine sets it: ` +
      `GitLab parallel: (CI_NODE_INDEX, CI_NODE_TOTAL), CircleCI parallelism (CIRCLE_NODE_INDEX, CIRCLE_NODE_TOTAL), Buildkite parallelism (BUILDKITE_PARALLEL_JOB, BUILDKITE_PARALLEL_JOB_COUNT), ` +
      'a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shard-count N). Or pass --shard i/n.',
  );
}

function whole(text: string | undefined, name: string, min: number): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || n < min) throw new ConfigError(`Expected ${name} to be a whole number from ${min} and up, got \`${text ?? ''}\`.`);
  return n;
}
