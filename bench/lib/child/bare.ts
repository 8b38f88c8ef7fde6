import { Worker, type Job, type Processor } from 'bullmq';
import { Redis } from 'ioredis';
import { createTransport } from 'nodemailer';
import type { PlainJob } from '../fill.js';
import type { ChildSpec } from '../protocol.js';
import type { Tracker } from '../tracker.js';

type BareSpec = Extract<ChildSpec, { kind: 'fetch' | 'noop' | 'smtp-per-message' }>;

/** Logto's `{{key}}` replacement, enough for the bench template. */
const fill = (template: string, payload: Record<string, unknown>) =>
  template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, key: string) => (key in payload ? String(payload[key]) : m));

/** The processors a user would write by hand for the same job. */
const processorFor = (spec: BareSpec): Processor<PlainJob> => {
  switch (spec.kind) {
    case 'noop':
      return async () => undefined;
    case 'fetch':
      return async (job: Job<PlainJob>) => {
        const { to, type, payload } = job.data;
        const res = await fetch(spec.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ to, type, payload }),
        });
        await res.text();
        if (!res.ok) throw new Error(`provider answered ${res.status}`);
      };
    case 'smtp-per-message':
      // As Logto's connector-smtp does: a transport built from the config for every message.
      return async (job: Job<PlainJob>) => {
        const { host, port, fromEmail, subject, content } = spec.smtp;
        const transporter = createTransport({ host, port, secure: false });
        await transporter.sendMail({ from: fromEmail, to: job.data.to, subject, text: fill(content, job.data.payload) });
      };
  }
};

/** A plain BullMQ worker on its own connection; completions counted when the processor returns. */
export const startBare = async (spec: BareSpec, tracker: Tracker): Promise<{ close(): Promise<void> }> => {
  const connection = new Redis(spec.redisUrl, { maxRetriesPerRequest: null });
  const work = processorFor(spec);
  const worker = new Worker<PlainJob>(
    spec.queue,
    async (job, token) => {
      try {
        await work(job, token);
        tracker.done();
      } catch (error) {
        tracker.fail();
        throw error;
      }
    },
    { connection, prefix: spec.prefix, concurrency: spec.concurrency },
  );
  worker.on('error', () => {});
  return {
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
};
