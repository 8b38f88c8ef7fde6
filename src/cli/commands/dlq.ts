import {
  AlreadyAcceptedError,
  allDeadLetterIds,
  listDeadLetters,
  purgeDeadLetter,
  replayAllDeadLetters,
  replayDeadLetter,
  showDeadLetter,
} from '../../dlq/operations.js';
import { openShardedQueues, type ShardedQueues } from '../../messages/sharded-queues.js';
import { connectionFromConfig, createRedis, ensureReady } from '../../redis/connection.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';

/** SPEC §10: every shard's dead letters, and the shard a message id names. */
type Shards = Pick<ShardedQueues, 'all' | 'forId'>;

const withQueues = async <T>(options: GlobalOptions, run: (shards: Shards) => Promise<T>): Promise<T> => {
  const { config } = await loadCliConfig(options);
  const redis = createRedis(connectionFromConfig(config.redis), 'producer');
  const queues = openShardedQueues(redis, { name: config.queue.name, prefix: config.redis.prefix, count: config.queue.shards });
  try {
    await ensureReady(redis, 3000).catch(() => {
      throw new CliError(`Redis is not reachable at ${redact(config.redis.url ?? 'the configured cluster/sentinel')}`, 1);
    });
    return await run(queues);
  } finally {
    await queues.close();
    await redis.quit().catch(() => redis.disconnect());
  }
};

export const dlqList = (options: GlobalOptions & { json?: boolean }) =>
  withQueues(options, async (shards) => {
    const letters = (await Promise.all(shards.all.map(listDeadLetters))).flat().sort((a, b) => a.failedAt.localeCompare(b.failedAt));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(letters)}\n`);
      return;
    }
    if (letters.length === 0) {
      process.stdout.write('no dead letters\n');
      return;
    }
    for (const l of letters) {
      process.stdout.write(`${l.id}  ${l.failedAt}  ${l.channel}/${l.type}  ${l.provider ?? '-'}:${l.providerCode ?? '-'}  attempts=${l.attempts}  ${l.reason}\n`);
    }
  });

export const dlqShow = (options: GlobalOptions, id: string) =>
  withQueues(options, async (shards) => {
    const letter = await showDeadLetter(shards.forId(id), id);
    if (!letter) throw new CliError(`no dead letter ${id}`, 1);
    process.stdout.write(`${JSON.stringify(letter, null, 2)}\n`);
  });

const eachTarget = async (shards: Shards, id: string | undefined, all: boolean | undefined, act: (id: string) => Promise<boolean>, verb: string) => {
  if (!id && !all) throw new CliError(`give an id or --all`, 2);
  const ids = all ? (await Promise.all(shards.all.map(allDeadLetterIds))).flat() : [id ?? ''];
  let done = 0;
  for (const target of ids) {
    if (await act(target)) done += 1;
    else if (!all) throw new CliError(`no dead letter ${target}`, 1);
  }
  process.stdout.write(`${verb} ${done}\n`);
};

/** A message a provider already accepted is never replayed: one line says so (exit 1 for one id). */
export const dlqReplay = (options: GlobalOptions & { all?: boolean }, id: string | undefined) =>
  withQueues(options, async (shards) => {
    if (options.all) {
      let [replayed, alreadyAccepted] = [0, 0];
      for (const queues of shards.all) {
        const done = await replayAllDeadLetters(queues);
        [replayed, alreadyAccepted] = [replayed + done.replayed, alreadyAccepted + done.alreadyAccepted];
      }
      const skipped = alreadyAccepted > 0 ? ` (skipped ${alreadyAccepted} already accepted by the provider; purge them instead)` : '';
      process.stdout.write(`replayed ${replayed}${skipped}\n`);
      return;
    }
    const replay = (target: string) =>
      replayDeadLetter(shards.forId(target), target).catch((error: unknown) => {
        if (error instanceof AlreadyAcceptedError) throw new CliError(error.message, 1);
        throw error;
      });
    await eachTarget(shards, id, false, replay, 'replayed');
  });

export const dlqPurge = (options: GlobalOptions & { all?: boolean }, id: string | undefined) =>
  withQueues(options, (shards) => eachTarget(shards, id, options.all, (target) => purgeDeadLetter(shards.forId(target), target), 'purged'));

/** A Redis URL without its password, for error messages. */
const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
