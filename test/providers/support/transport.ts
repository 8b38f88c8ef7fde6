import { describe, expect, it } from 'vitest';
import type { OutgoingMessage, Provider } from '../../../src/providers/types.js';
import { startStandIn, type StandInReply } from '../../helpers/http-stand-in.js';
import { startConnectionCounter } from '../connection-counter.js';
import { ctx, deliveryFailure } from './delivery.js';

export type TransportTarget = {
  /** Builds a provider whose vendor is at `baseUrl` (`http://127.0.0.1:<port>`), with extra config such as timeoutMs. */
  create: (baseUrl: string, extra?: Record<string, unknown>) => Provider;
  /** The i-th message of a series of sends. */
  message: (i: number) => OutgoingMessage;
  /** A successful vendor answer. */
  ok: StandInReply;
  /**
   * Also require exactly one connection for the first two sequential sends: `back-to-back`, or
   * `after-yield` (one event-loop turn between them, so undici has marked the connection idle).
   */
  singleConnection?: 'back-to-back' | 'after-yield';
  /** Also check that the worker's abort signal reaches the request. */
  abort?: boolean;
  /** Also check that a refused connection is retryable. */
  refused?: boolean;
};

const never = () => new Promise<never>(() => {});

/** Timeout, keep-alive (and optionally abort and refused-connection) behaviour every HTTP provider shares. */
export const describeTransportBehaviour = (name: string, target: TransportTarget): void => {
  describe(`${name} transport`, () => {
    it('a reply slower than timeoutMs is retryable with code timeout', async () => {
      const silent = await startStandIn(never);
      const provider = target.create(silent.url, { timeoutMs: 150 });
      try {
        const error = await deliveryFailure(provider.send(target.message(0), ctx()));
        expect([error.kind, error.code, error.scope]).toEqual(['retryable', 'timeout', 'connector']);
      } finally {
        await provider.close();
        await silent.close();
      }
    });

    it('reuses keep-alive connections across sends (one client per connector)', async () => {
      const upstream = await startStandIn(target.ok);
      const counter = await startConnectionCounter(upstream.url);
      const provider = target.create(counter.url);
      try {
        let sent = 0;
        if (target.singleConnection) {
          await provider.send(target.message(sent++), ctx());
          // One event-loop turn (not a timed wait): undici marks the pooled connection idle.
          if (target.singleConnection === 'after-yield') await new Promise((resolve) => setImmediate(resolve));
          await provider.send(target.message(sent++), ctx());
          expect(counter.connections).toBe(1);
        }
        while (sent < 6) await provider.send(target.message(sent++), ctx());
        expect(upstream.requests.map((r) => r.headers.connection)).toEqual(Array(6).fill('keep-alive'));
        // Back to back, undici may hand a request to a second pooled connection before the first
        // is marked idle; never one connection per message.
        expect(counter.connections).toBeLessThanOrEqual(2);
      } finally {
        await provider.close();
        await counter.close();
        await upstream.close();
      }
    });

    if (target.abort) {
      it("the worker's abort signal reaches the request (retryable, code aborted)", async () => {
        const silent = await startStandIn(never);
        const provider = target.create(silent.url, { timeoutMs: 60_000 });
        const controller = new AbortController();
        try {
          const pending = deliveryFailure(provider.send(target.message(0), { signal: controller.signal, attempt: 1 }));
          controller.abort();
          const error = await pending;
          expect([error.kind, error.code]).toEqual(['retryable', 'aborted']);
        } finally {
          await provider.close();
          await silent.close();
        }
      });
    }

    if (target.refused) {
      it('a refused connection is retryable', async () => {
        const closed = await startStandIn();
        const url = closed.url;
        await closed.close();
        const provider = target.create(url);
        try {
          const error = await deliveryFailure(provider.send(target.message(0), ctx()));
          expect([error.kind, error.code]).toEqual(['retryable', 'ECONNREFUSED']);
        } finally {
          await provider.close();
        }
      });
    }
  });
};
