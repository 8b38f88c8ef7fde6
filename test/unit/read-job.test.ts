import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal } from '../../src/crypto/envelope.js';
import { generateKey, parseKeyRing } from '../../src/crypto/key-ring.js';
import { readJob } from '../../src/worker/read-job.js';

const NOW = 1_700_000_000_000;
const ring = parseKeyRing({ current: 'k1', keys: { k1: generateKey() } });
const stranger = parseKeyRing({ current: 'k9', keys: { k9: generateKey() } });
const body = { to: '+14155550123', payload: { code: '424242' } };

/** A job as BullMQ hands it over: `data` as stored, `id` the BullMQ job id (the message id unless copied). */
const job = (over: Record<string, unknown> = {}, jobId?: string) => {
  const id = randomUUID();
  const data = { v: 1, id, channel: 'sms', type: 'SignIn', enqueuedAt: NOW - 1000, expiresAt: NOW + 60_000, body, ...over };
  return { id: jobId ?? (typeof data.id === 'string' ? data.id : id), data };
};
const sealedJob = (with_: typeof ring, plain: string, over: Record<string, unknown> = {}, bindTo: Record<string, unknown> = {}) => {
  const j = job({ body: undefined, ...over });
  const sealed = seal(with_, plain, { id: j.data.id, channel: 'sms', type: 'SignIn', expiresAt: j.data.expiresAt, ...bindTo } as never);
  return { ...j, data: { ...j.data, sealed } };
};
const withoutBody = ({ body: _b, ...rest }: Record<string, unknown>) => rest;

describe('readJob', () => {
  it.each<[string, { id: string; data: unknown }, typeof ring | undefined, object]>([
    ['a plain message', job(), undefined, { ok: true, body }],
    ['a sealed message, opened with the ring', sealedJob(ring, JSON.stringify(body)), ring, { ok: true, body }],
    ['not an object', { id: 'j1', data: 'not even an object' }, undefined, { ok: false, expired: false, reason: 'malformed_job', data: undefined }],
    ['missing fields', { id: 'j2', data: { v: 1, id: 'j2', channel: 'sms', type: 'SignIn' } }, undefined, { ok: false, expired: false, reason: 'malformed_job', data: undefined }],
    ['an unknown channel', job({ channel: 'pigeon' }), undefined, { ok: false, expired: false, reason: 'malformed_job' }],
    ['both a body and a sealed body', job({ sealed: 'k1.x' }), ring, { ok: false, expired: false, reason: 'malformed_job' }],
    ['a job id that is not its message id (copied in Redis)', job({}, 'copy-1'), undefined, { ok: false, expired: false, reason: 'id_mismatch', data: expect.objectContaining({ channel: 'sms' }) }],
    ['a copy that has also expired: id_mismatch first', job({ expiresAt: NOW }, 'copy-2'), undefined, { ok: false, expired: false, reason: 'id_mismatch' }],
    ['past expiresAt', job({ expiresAt: NOW }), undefined, { ok: false, expired: true, data: expect.objectContaining({ expiresAt: NOW }) }],
    ['past expiresAt, its sealed body never opened (no keys, and it would not open)', sealedJob(ring, 'garbage', { expiresAt: NOW - 1 }), undefined, { ok: false, expired: true }],
    ['sealed, and this worker has no keys', sealedJob(ring, JSON.stringify(body)), undefined, { ok: false, expired: false, reason: 'encrypted_but_no_keys' }],
    ['sealed with a key id the ring does not hold', sealedJob(stranger, JSON.stringify(body)), ring, { ok: false, expired: false, reason: 'unknown_key' }],
    ['a sealed string that is not an envelope', job({ body: undefined, sealed: 'k1.garbage' }), ring, { ok: false, expired: false, reason: 'decrypt_failed' }],
    ['sealed for another message id (the envelope binds the id)', sealedJob(ring, JSON.stringify(body), {}, { id: 'another' }), ring, { ok: false, expired: false, reason: 'decrypt_failed' }],
    ['opens to something that is not JSON', sealedJob(ring, 'not json'), ring, { ok: false, expired: false, reason: 'malformed_body' }],
    ['opens to JSON that is not a body', sealedJob(ring, JSON.stringify({ to: '' })), ring, { ok: false, expired: false, reason: 'malformed_body' }],
  ])('%s', (_name, j, keys, expected) => {
    expect(readJob(j as never, keys, NOW)).toMatchObject(expected);
  });

  it('a well-formed job that cannot be sent still carries its data (for metrics and logs)', () => {
    const j = sealedJob(stranger, JSON.stringify(body));
    expect(readJob(j, ring, NOW)).toEqual({ ok: false, expired: false, reason: 'unknown_key', data: withoutBody(j.data) });
  });
});
