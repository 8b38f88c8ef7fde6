import { describe, expect, it } from 'vitest';
import { isDeliveryError } from '../../../src/errors/delivery-error.js';
import type { StandInReply } from '../../helpers/http-stand-in.js';
import { ctx, deliveryFailure } from './delivery.js';
import { startFlood, type FloodOptions } from './flood.js';
import { withStandIn } from './stand-in.js';
import type { VendorTarget } from './vendors.js';

/** What a connector may read of a reply body (src/providers/http/body-limit.ts). */
export const BODY_CAP_BYTES = 64 * 1024;
const FLOOD_BYTES = 10 * 1024 * 1024;

/** Vendor codes that name `Object.prototype` members: a plain-object lookup would find those. */
export const PROTOTYPE_CODES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const UNEXPECTED = { unexpectedResponse: true };
const oops: StandInReply = { status: 200, body: '<html>oops</html>' };
const empty: StandInReply = { status: 200, body: {} };

/** Sends once against a flood stand-in and hands back the outcome and what the server managed to write. */
const againstFlood = async (target: VendorTarget, flood: FloodOptions, extra?: Record<string, unknown>) => {
  const server = await startFlood(flood);
  const provider = target.create(server.url, extra);
  try {
    const started = Date.now();
    const outcome = await provider.send(target.message, ctx()).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    const reply = await server.replyClosed();
    return { ...outcome, ...reply, requests: server.requests, elapsedMs: Date.now() - started };
  } finally {
    await provider.close();
    await server.close();
  }
};

/**
 * Replies a vendor (or something in front of it) should never send, for one connector: 2xx bodies
 * it does not recognise, bodies far over the cap, bodies that stall past `timeoutMs`, and error
 * codes named like `Object.prototype` members.
 */
export const describeHostileReplies = (target: VendorTarget): void => {
  // A 204 has no body to flood with: those connectors get a 200.
  const okStatus = target.ok.status === 204 ? 200 : target.ok.status;
  describe(`${target.id}: unrecognised 2xx bodies`, () => {
    const fixture = withStandIn(target.ok, (url) => target.create(url));
    const { unrecognised } = target;
    const replies = unrecognised === 'ignored' ? [oops, empty] : [oops, empty, ...unrecognised];
    // Logto's HTTP connectors ignore the body of a 2xx: any 2xx is plain success there, recorded under our message id.
    const expected = unrecognised === 'ignored' ? { providerMessageId: target.message.id } : UNEXPECTED;

    it.each(replies)(`%j → ${JSON.stringify(expected)}, sent once`, async (reply) => {
      fixture.standIn.reply(reply);
      const before = fixture.standIn.requests.length;
      await expect(fixture.provider.send(target.message, ctx())).resolves.toEqual(expected);
      expect(fixture.standIn.requests.length - before).toBe(1);
    });

    it('still reads the documented success reply', async () => {
      fixture.standIn.reply(target.ok);
      const result = await fixture.provider.send(target.message, ctx());
      expect(result.unexpectedResponse).toBeUndefined();
    });
  });

  describe(`${target.id}: reply bodies over the ${BODY_CAP_BYTES / 1024} KiB cap`, () => {
    it.each([false, true])('a 2xx body of 10 MiB (declared length %s) is taken as unexpected, read no further', async (declareLength) => {
      const run = await againstFlood(target, { status: okStatus, headers: target.ok.headers, totalBytes: FLOOD_BYTES, declareLength });
      expect(run.error).toBeUndefined();
      expect(run.result).toEqual(UNEXPECTED);
      expect(run.requests).toBe(1);
      // The client closed the connection mid-body. What the server wrote is what the socket buffers
      // on both ends took (a few MiB on loopback), never the whole body.
      expect(run.finished).toBe(false);
      expect(run.written).toBeLessThan(FLOOD_BYTES);
    });

    it.each([
      [503, false, 'retryable', 'connector', 'http_503'],
      [400, true, 'permanent', 'message', 'http_400'],
    ] as const)('a %i body of 10 MiB (declared length %s) is classified by its status alone', async (status, declareLength, kind, scope, code) => {
      const run = await againstFlood(target, { status, totalBytes: FLOOD_BYTES, declareLength });
      const error = await deliveryFailure(Promise.reject(run.error));
      expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual({ kind, scope, code });
      expect(run.requests).toBe(1);
      // The client closed the connection mid-body. What the server wrote is what the socket buffers
      // on both ends took (a few MiB on loopback), never the whole body.
      expect(run.finished).toBe(false);
      expect(run.written).toBeLessThan(FLOOD_BYTES);
    });
  });

  describe(`${target.id}: a body that stalls is bounded by timeoutMs`, () => {
    // 1 KiB every 50 ms: never over the cap, never done within 300 ms.
    const drip = { totalBytes: 60 * 1024, chunkBytes: 1024, dripMs: 50 };

    it('a 2xx whose body stalls ends at timeoutMs, taken as unexpected (the vendor said yes)', async () => {
      const run = await againstFlood(target, { status: okStatus, headers: target.ok.headers, ...drip }, { timeoutMs: 300 });
      expect(run.error).toBeUndefined();
      expect(run.result).toEqual(UNEXPECTED);
      expect(run.elapsedMs).toBeLessThan(2_000);
      expect(run.finished).toBe(false);
    });

    it("the worker's signal (shutdown, message deadline) ends a body that stalls", async () => {
      const server = await startFlood({ status: okStatus, headers: target.ok.headers, ...drip });
      const provider = target.create(server.url, { timeoutMs: 60_000 });
      const controller = new AbortController();
      try {
        const pending = provider.send(target.message, { signal: controller.signal, attempt: 1 }).catch((error: unknown) => error);
        await server.replyStarted();
        const abortedAt = Date.now();
        controller.abort();
        const outcome = await pending;
        expect(Date.now() - abortedAt).toBeLessThan(1_000);
        // Cut before the status reached the client: aborted; after: the vendor said yes.
        expect([UNEXPECTED, 'retryable aborted']).toContainEqual(
          isDeliveryError(outcome) ? `${outcome.kind} ${outcome.code}` : outcome,
        );
        expect((await server.replyClosed()).finished).toBe(false);
      } finally {
        await provider.close();
        await server.close();
      }
    });

    it('a 500 whose body stalls ends at timeoutMs, retryable by its status', async () => {
      const run = await againstFlood(target, { status: 500, ...drip }, { timeoutMs: 300 });
      const error = await deliveryFailure(Promise.reject(run.error));
      expect({ kind: error.kind, code: error.code }).toEqual({ kind: 'retryable', code: 'http_500' });
      expect(run.elapsedMs).toBeLessThan(2_000);
    });
  });

  for (const codes of target.codes ?? []) {
    describe(`${target.id}: vendor codes named like Object.prototype members (${codes.where})`, () => {
      const fixture = withStandIn(target.ok, (url) => target.create(url));
      it.each(PROTOTYPE_CODES)('%s → the unknown-code default', async (code) => {
        fixture.standIn.reply(codes.reply(code));
        const error = await deliveryFailure(fixture.provider.send(target.message, ctx()));
        expect({ kind: error.kind, scope: error.scope, code: error.code }).toEqual(codes.unknown(code));
      });
    });
  }
};
