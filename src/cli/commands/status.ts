import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer, type MessageStatus, type Producer } from '../../producer/index.js';
import { loadCliConfig, type GlobalOptions } from '../context.js';
import { producerOptionsFromConfig } from '../runtime.js';

/** How often `send --wait-receipt` looks at the receipt record. */
const RECEIPT_POLL_MS = 250;

const isFinalReceipt = (status: MessageStatus): boolean => status.receipt !== 'none' && status.receipt !== 'deferred';

/**
 * Polls `status(id)` until `done` (by default: a final receipt, delivered, undelivered or complained), the message ended
 * otherwise (expired, dead), or `timeoutMs` passed; returns the last status read.
 */
export const waitForReceipt = async (producer: Producer, id: string, timeoutMs: number, done: (status: MessageStatus) => boolean = isFinalReceipt): Promise<MessageStatus> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await producer.status(id);
    if (done(status) || status.outcome === 'expired' || status.outcome === 'dead' || Date.now() + RECEIPT_POLL_MS > until) return status;
    await sleep(RECEIPT_POLL_MS);
  }
};

/** `status ID [--json]`: outcome, latest receipt and provider of one message. */
export const status = async (options: GlobalOptions & { json?: boolean }, id: string): Promise<void> => {
  const loaded = await loadCliConfig(options);
  const producer = createProducer(producerOptionsFromConfig(loaded));
  try {
    const current = await producer.status(id);
    process.stdout.write(options.json ? `${JSON.stringify(current)}\n` : `${current.id} outcome=${current.outcome} receipt=${current.receipt} provider=${current.provider ?? '-'}\n`);
  } finally {
    await producer.close();
  }
};
