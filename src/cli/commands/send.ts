import { isRateLimitedError } from '../../errors/rate-limited-error.js';
import { isValidationError } from '../../errors/validation-error.js';
import { createProducer } from '../../producer/index.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { CliError } from '../errors.js';
import { producerOptionsFromConfig } from '../runtime.js';
import { waitForReceipt } from './status.js';

export type SendOptions = GlobalOptions & {
  channel: string;
  to: string;
  type: string;
  code?: string;
  locale?: string;
  payload?: string;
  wait?: string;
  waitReceipt?: string;
};

const seconds = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n >= 0)) throw new CliError(`${flag} takes a number of seconds`, 2);
  return n;
};

const parsePayload = (text: string | undefined): Record<string, unknown> => {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CliError('--payload must be a JSON object', 2);
};

/** Enqueues one message (Logto's "send test"); with --wait, reports the outcome (exit 0 only if delivered). */
export const send = async (options: SendOptions): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const payload = { ...parsePayload(options.payload), ...(options.code !== undefined && { code: options.code }), ...(options.locale !== undefined && { locale: options.locale }) };
  const waitSeconds = seconds(options.wait, '--wait');
  const receiptSeconds = seconds(options.waitReceipt, '--wait-receipt');
  const producer = createProducer(producerOptionsFromConfig(loaded));
  try {
    const { id } = await producer.send({ channel: options.channel as 'email', to: options.to, type: options.type as 'Generic', payload }).catch((error: unknown) => {
      if (isValidationError(error)) throw new CliError(error.message, 2);
      if (isRateLimitedError(error)) throw new CliError(error.message, 1);
      throw new CliError(`could not enqueue: ${(error as Error).message}`, 1);
    });
    process.stdout.write(`${id}\n`);
    if (waitSeconds !== undefined) {
      const outcome = await producer.waitFor(id, { timeoutMs: waitSeconds * 1000 });
      process.stdout.write(`${outcome}\n`);
      if (outcome !== 'delivered') process.exitCode = 1;
    }
    if (receiptSeconds !== undefined) {
      // SPEC §8: exit 0 only on a `delivered` receipt.
      const { receipt } = await waitForReceipt(producer, id, receiptSeconds * 1000);
      process.stdout.write(`receipt ${receipt}\n`);
      if (receipt !== 'delivered') process.exitCode = 1;
    }
  } finally {
    await producer.close();
  }
};
