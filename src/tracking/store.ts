import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import type { Channel } from '../messages/types.js';
import { isFinalStatus, RECEIPT_STATUSES, type Receipt, type ReceiptStatus } from '../receipts/types.js';

/**
 * Receipt state in Redis, under the queue's prefix (one Cluster slot with the queue). Per message a
 * hash: which connector sent it, the vendor's id, when it was accepted, the latest status. Per
 * vendor id an index entry pointing at the message. No recipient, no code: only ids, names, times
 * and the recipient's country.
 */
export const receiptKey = (prefix: string, id: string): string => `${prefix}:receipt:${id}`;
export const receiptIndexKey = (prefix: string, channel: Channel, connector: string, providerMessageId: string): string =>
  `${prefix}:receipt-pm:${channel}:${connector}:${providerMessageId}`;
/** Sends still awaiting a final receipt, scored by the end of their window (swept to count the missing). */
export const awaitingKey = (prefix: string): string => `${prefix}:receipts-awaiting`;

/** A send the provider accepted, whose receipts are expected. */
export type TrackedSend = {
  id: string;
  channel: Channel;
  connector: string;
  provider: string;
  providerMessageId: string;
  acceptedAt: number;
  expiresAt: number;
  /** ISO 3166 alpha-2 of an SMS recipient, for the per-country delivery rate. */
  country?: string;
  /** The email recipient's keyed hash (the limit counters' hash), when bounced addresses are suppressed. */
  recipientHash?: string;
};

/** The awaiting set's member: the labels the sweeper counts by, and the message id. */
export const awaitingMember = (send: Pick<TrackedSend, 'channel' | 'provider' | 'id'>): string => `${send.channel}|${send.provider}|${send.id}`;

/**
 * Queues the writes that start tracking `send` on `pipeline` (the worker sends them with its sent
 * marker, in one round trip). A later send of the same message (a receipt failover) replaces the
 * vendor id and the status; the index of the earlier send still points at the message.
 */
export const queueTrack = (pipeline: ChainableCommander, prefix: string, send: TrackedSend, windowMs: number): ChainableCommander => {
  const key = receiptKey(prefix, send.id);
  const deadline = send.expiresAt + windowMs;
  const ttlMs = Math.max(1000, deadline - send.acceptedAt + 60_000);
  const fields = ['channel', send.channel, 'connector', send.connector, 'provider', send.provider, 'pmid', send.providerMessageId, 'acceptedAt', String(send.acceptedAt), 'expiresAt', String(send.expiresAt), 'status', '', 'statusAt', '0', 'country', send.country ?? '', 'rk', send.recipientHash ?? ''];
  return pipeline
    .hset(key, ...fields)
    .pexpire(key, ttlMs)
    .set(receiptIndexKey(prefix, send.channel, send.connector, send.providerMessageId), send.id, 'PX', ttlMs)
    .zadd(awaitingKey(prefix), deadline, awaitingMember(send));
};

/** What a receipt did to its message. */
export type Applied =
  /** No message of ours has this vendor id (or its window is over). */
  | { kind: 'unknown' }
  /** About an earlier send of the message (before a failover), or a repeat: nothing changed. */
  | { kind: 'unchanged' }
  | { kind: 'changed'; id: string; previous: ReceiptStatus | undefined; record: ReceiptRecord };

export type ReceiptRecord = {
  channel: Channel;
  connector: string;
  provider: string;
  acceptedAt: number;
  expiresAt: number;
  country: string | undefined;
  status: ReceiptStatus | undefined;
  /** The connector a failover resent through, once one started. */
  failover: string | undefined;
  /** The recipient's keyed hash, when bounced addresses are suppressed. */
  recipientHash: string | undefined;
};

const RECORD_FIELDS = ['channel', 'connector', 'provider', 'acceptedAt', 'expiresAt', 'country', 'status', 'failover', 'rk'] as const;

/**
 * KEYS[1] the record, KEYS[2] the awaiting set; ARGV pmid, status, at (ms), final ('1'|'0'), code,
 * message id. A final status replaces a non-final one or an earlier final one; `deferred` only
 * replaces nothing. A change returns {'changed', previous status, the record's fields}, and a final
 * one also ends the send's wait in the awaiting set: one round trip.
 */
const APPLY = `
local r = redis.call('HMGET', KEYS[1], 'pmid', 'status', 'statusAt')
if not r[1] then return {'unknown'} end
if r[1] ~= ARGV[1] then return {'unchanged'} end
local cur = r[2] or ''
local curFinal = cur ~= '' and cur ~= 'deferred'
if ARGV[4] == '1' then
  if curFinal and (cur == ARGV[2] or tonumber(r[3] or '0') >= tonumber(ARGV[3])) then return {'unchanged'} end
elseif cur ~= '' then
  return {'unchanged'}
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'statusAt', ARGV[3], 'code', ARGV[5])
local record = redis.call('HMGET', KEYS[1], ${RECORD_FIELDS.map((f) => `'${f}'`).join(', ')})
if ARGV[4] == '1' then redis.call('ZREM', KEYS[2], (record[1] or '') .. '|' .. (record[3] or '') .. '|' .. ARGV[6]) end
local out = {'changed', cur}
for i = 1, ${RECORD_FIELDS.length} do out[i + 2] = record[i] or '' end
return out
`;
type Scripts = { otpReceiptApply?: (key: string, awaiting: string, pmid: string, status: string, at: string, final: string, code: string, id: string) => Promise<string[]> };

const asStatus = (value: string | null | undefined): ReceiptStatus | undefined =>
  (RECEIPT_STATUSES as readonly string[]).includes(value ?? '') ? (value as ReceiptStatus) : undefined;

export const toRecord = (values: readonly (string | null)[]): ReceiptRecord | undefined => {
  const [channel, connector, provider, acceptedAt, expiresAt, country, status, failover, rk] = values;
  if (!channel || !connector || !provider) return undefined;
  return {
    channel: channel === 'sms' ? 'sms' : 'email',
    connector,
    provider,
    acceptedAt: Number(acceptedAt ?? 0),
    expiresAt: Number(expiresAt ?? 0),
    country: country || undefined,
    status: asStatus(status),
    failover: failover || undefined,
    recipientHash: rk || undefined,
  };
};

export type ReceiptStore = {
  apply(channel: Channel, connector: string, receipt: Receipt): Promise<Applied>;
  read(id: string): Promise<ReceiptRecord | undefined>;
  /** Marks that a failover started for `id`; false when one already had (never twice). */
  claimFailover(id: string, connector: string): Promise<boolean>;
};

export const createReceiptStore = (redis: Redis | Cluster, prefix: string): ReceiptStore => {
  const client = redis as (Redis | Cluster) & Scripts;
  if (!client.otpReceiptApply) client.defineCommand('otpReceiptApply', { numberOfKeys: 2, lua: APPLY });
  const read = async (id: string) => toRecord(await redis.hmget(receiptKey(prefix, id), ...RECORD_FIELDS));
  return {
    async apply(channel, connector, receipt) {
      const id = await redis.get(receiptIndexKey(prefix, channel, connector, receipt.providerMessageId));
      if (!id || !client.otpReceiptApply) return { kind: 'unknown' };
      const at = String(receipt.at ?? Date.now());
      const final = isFinalStatus(receipt.status) ? '1' : '0';
      const [outcome, previous, ...fields] = await client.otpReceiptApply(receiptKey(prefix, id), awaitingKey(prefix), receipt.providerMessageId, receipt.status, at, final, receipt.code ?? '', id);
      if (outcome === 'unknown') return { kind: 'unknown' };
      if (outcome !== 'changed') return { kind: 'unchanged' };
      const record = toRecord(fields);
      return record ? { kind: 'changed', id, previous: asStatus(previous), record } : { kind: 'unknown' };
    },
    read,
    async claimFailover(id, connector) {
      return (await redis.hsetnx(receiptKey(prefix, id), 'failover', connector)) === 1;
    },
  };
};
