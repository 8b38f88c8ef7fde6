import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { permanent } from '../../src/errors/delivery-error.js';
import { acceptReply, UNEXPECTED_RESPONSE } from '../../src/providers/http/accept.js';
import { declaredLength, MAX_RESPONSE_BODY_BYTES, readCappedBody } from '../../src/providers/http/body-limit.js';
import { codeTable } from '../../src/providers/http/rules.js';
import { PROTOTYPE_CODES } from './support/hostile.js';

const CHUNK = 16 * 1024;

/** A lazy 10 MiB byte stream that counts what was pulled from it. */
const tenMiB = () => {
  const state = { pulled: 0, destroyed: false };
  const stream = new Readable({
    highWaterMark: CHUNK,
    read() {
      if (state.pulled >= 10 * 1024 * 1024) return void this.push(null);
      state.pulled += CHUNK;
      this.push(Buffer.alloc(CHUNK, 'x'));
    },
    destroy(error, callback) {
      state.destroyed = true;
      callback(error);
    },
  });
  return { stream, state };
};

describe('readCappedBody', () => {
  it('stops pulling at the cap and destroys the stream (the rest is never buffered)', async () => {
    const { stream, state } = tenMiB();
    await expect(readCappedBody(stream)).resolves.toEqual({ complete: false });
    expect(state.destroyed).toBe(true);
    // The cap, plus the chunk that crossed it, plus the stream's own read-ahead (highWaterMark).
    expect(state.pulled).toBeLessThanOrEqual(MAX_RESPONSE_BODY_BYTES + 2 * CHUNK);
  });

  it('refuses a declared length over the cap before reading a byte', async () => {
    const { stream, state } = tenMiB();
    await expect(readCappedBody(stream, MAX_RESPONSE_BODY_BYTES, 10 * 1024 * 1024)).resolves.toEqual({ complete: false });
    expect(state.destroyed).toBe(true);
    expect(state.pulled).toBe(0);
  });

  it('reads a body of exactly the cap whole', async () => {
    const body = Buffer.alloc(MAX_RESPONSE_BODY_BYTES, 'y');
    const read = await readCappedBody(Readable.from([body.subarray(0, 1000), body.subarray(1000)]), MAX_RESPONSE_BODY_BYTES, body.length);
    expect(read.complete && read.bytes.equals(body)).toBe(true);
  });

  it('a body that breaks off is not usable', async () => {
    const broken = new Readable({ read() {} });
    broken.push('{"id":');
    setImmediate(() => broken.destroy(new Error('ECONNRESET')));
    await expect(readCappedBody(broken)).resolves.toEqual({ complete: false });
  });

  it.each([
    [{ 'content-length': '42' }, 42],
    [{ 'content-length': ['7'] }, 7],
    [{ 'content-length': '1e9' }, undefined],
    [{ 'content-length': '-1' }, undefined],
    [{}, undefined],
  ])('declaredLength(%j) = %s', (headers, expected) => {
    expect(declaredLength(headers)).toBe(expected);
  });
});

describe('acceptReply: a 2xx is the vendor taking the message', () => {
  const schema = z.union([
    z.object({ id: z.string().min(1) }).transform((b) => ({ id: b.id })),
    z.object({ error: z.string() }).transform((b) => ({ refused: b.error })),
  ]);
  const toResult = (answer: z.output<typeof schema>) => {
    if ('refused' in answer) throw permanent({ provider: 'p', code: answer.refused, message: 'refused' });
    return { providerMessageId: answer.id };
  };
  const reply = (body: string, extra: { bodyIncomplete?: true } = {}) => ({ headers: {}, body, ...extra });

  it.each([
    ['<html>oops</html>', UNEXPECTED_RESPONSE],
    ['{}', UNEXPECTED_RESPONSE],
    ['{"id":""}', UNEXPECTED_RESPONSE],
    ['null', UNEXPECTED_RESPONSE],
    ['', UNEXPECTED_RESPONSE],
    ['{"id":"m-1"}', { providerMessageId: 'm-1' }],
  ])('%j → %j', (body, expected) => {
    expect(acceptReply(reply(body), schema, toResult)).toEqual(expected);
  });

  it('a body not read whole is unexpected, even if what was read would parse', () => {
    expect(acceptReply(reply('{"id":"m-1"}', { bodyIncomplete: true }), schema, toResult)).toEqual(UNEXPECTED_RESPONSE);
  });

  it('a recognised error body keeps its classification', () => {
    expect(() => acceptReply(reply('{"error":"E1"}'), schema, toResult)).toThrow(expect.objectContaining({ code: 'E1', kind: 'permanent' }));
  });

  it('reads the headers instead of the body when asked, and an absent reply is unexpected', () => {
    const headersSchema = z.looseObject({ 'x-message-id': z.string().min(1) });
    const read = (h: Record<string, string>) => acceptReply({ headers: h, body: '' }, headersSchema, (v) => ({ providerMessageId: v['x-message-id'] }), 'headers');
    expect(read({ 'x-message-id': 'sg-1' })).toEqual({ providerMessageId: 'sg-1' });
    expect(read({})).toEqual(UNEXPECTED_RESPONSE);
    expect(acceptReply(undefined, schema, toResult)).toEqual(UNEXPECTED_RESPONSE);
  });
});

describe('codeTable', () => {
  it.each(PROTOTYPE_CODES)('has no %s entry unless the vendor table has one', (code) => {
    expect(codeTable({ '21211': 'rule' }).get(code)).toBeUndefined();
    expect(codeTable({ [code]: 'own' }).get(code)).toBe('own');
  });
});
