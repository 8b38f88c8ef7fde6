import { afterAll, beforeAll, expect } from 'vitest';
import type { DeliveryError } from '../../../src/errors/delivery-error.js';
import type { Provider } from '../../../src/providers/types.js';
import { deliveryFailure } from './delivery.js';
import { startStandIn, type RecordedRequest, type StandIn, type StandInHandler, type StandInReply } from '../../helpers/http-stand-in.js';

export type StandInFixture = {
  readonly standIn: StandIn;
  readonly provider: Provider;
  /** The last request the stand-in recorded (throws if none). */
  lastRequest(): RecordedRequest;
  /** Runs a send that must fail with a DeliveryError before reaching the vendor, and returns the error. */
  failsBeforeAnyRequest(send: () => Promise<unknown>): Promise<DeliveryError>;
};

/**
 * Starts a stand-in answering `initial` and a provider pointed at it (`create(standIn.url)`)
 * before the enclosing describe's tests, and closes both after them.
 */
export const withStandIn = (initial: StandInHandler | StandInReply | undefined, create: (url: string) => Provider): StandInFixture => {
  let standIn: StandIn | undefined;
  let provider: Provider | undefined;
  beforeAll(async () => {
    standIn = await startStandIn(initial);
    provider = create(standIn.url);
  });
  afterAll(async () => {
    await provider?.close();
    await standIn?.close();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} used outside its describe`);
    return value;
  };
  return {
    get standIn() {
      return need(standIn, 'standIn');
    },
    get provider() {
      return need(provider, 'provider');
    },
    lastRequest() {
      const req = need(standIn, 'standIn').requests.at(-1);
      if (!req) throw new Error('no request recorded');
      return req;
    },
    async failsBeforeAnyRequest(send) {
      const requests = need(standIn, 'standIn').requests;
      const before = requests.length;
      const error = await deliveryFailure(send());
      expect(requests.length).toBe(before);
      return error;
    },
  };
};
