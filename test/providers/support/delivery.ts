import { expect } from 'vitest';
import { isDeliveryError, type DeliveryError } from '../../../src/errors/delivery-error.js';

/** A fresh send context: an abort signal nobody aborts, first attempt. */
export const ctx = () => ({ signal: new AbortController().signal, attempt: 1 });

/** Awaits a send that must fail, and returns its DeliveryError (throws if it resolved or failed otherwise). */
export const deliveryFailure = async (p: Promise<unknown>): Promise<DeliveryError> => {
  const error: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeliveryError(error)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
};

/**
 * An error message must never carry the recipient, the code, or any other listed secret
 * (the message ends up in logs and job records).
 */
export const expectSafeError = (error: unknown, secrets: { recipient: string; code: string; others?: string[] }): void => {
  const text = String((error as Error).message);
  for (const secret of [secrets.recipient, secrets.code, ...(secrets.others ?? [])]) expect(text).not.toContain(secret);
};
