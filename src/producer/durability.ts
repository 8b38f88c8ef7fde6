import type { Cluster, Redis } from 'ioredis';
import { DurabilityError } from '../errors/durability-error.js';

import { MAX_DURABILITY_TIMEOUT_MS } from '../messages/defaults.js';

export { MAX_DURABILITY_TIMEOUT_MS };

export type Durability = { replicas: number; timeoutMs: number };

/** CRC16/XMODEM (polynomial 0x1021), the checksum Redis Cluster hashes keys with. */
const crc16 = (bytes: Uint8Array): number => {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
};

/** The Redis Cluster hash slot of `key`: of its `{hash tag}` when it has a non-empty one. */
export const keySlot = (key: string): number => {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(Buffer.from(hashed, 'utf8')) % 16384;
};

/**
 * The connection that wrote `key`: WAIT counts the replicas holding this client's writes, on the
 * node it runs on. Standalone and Sentinel: the connection itself; Cluster: the master of the key's
 * slot (undefined while the slot map is not known).
 */
const writerOf = (redis: Redis | Cluster, key: string): Redis | undefined => {
  if (!redis.isCluster) return redis as Redis;
  const cluster = redis as Cluster;
  const master = cluster.slots[keySlot(key)]?.[0];
  return master === undefined ? undefined : cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === master);
};

/**
 * SPEC §11: resolves once `replicas` replicas hold what this connection wrote (Redis WAIT, at most
 * MAX_DURABILITY_TIMEOUT_MS); otherwise throws DurabilityError. `key` is a key just written.
 */
export const confirmReplicas = async (redis: Redis | Cluster, key: string, { replicas, timeoutMs }: Durability): Promise<void> => {
  if (replicas <= 0) return;
  const node = writerOf(redis, key);
  if (!node) throw new DurabilityError(replicas, undefined);
  let acknowledged: number;
  try {
    acknowledged = await node.wait(replicas, Math.min(Math.max(1, timeoutMs), MAX_DURABILITY_TIMEOUT_MS));
  } catch (error) {
    throw new DurabilityError(replicas, undefined, { cause: error });
  }
  if (acknowledged < replicas) throw new DurabilityError(replicas, acknowledged);
};
