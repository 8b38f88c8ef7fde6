import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { declaredLength, readCappedBody } from '../http/body-limit.js';
import type { HttpResponse } from '../http/client.js';
import type { AwsSesConfig } from './config.js';

/** Sockets kept open per connector. @default 50, the SDK's own default */
const MAX_SOCKETS = 50;

/**
 * One SESv2 client per connector: static credentials, keep-alive agents, no SDK retries
 * (`maxAttempts: 1`: the worker owns retries and backoff) and a whole-request timeout.
 * Nothing is read from the environment or `~/.aws`: every option that would be is set here.
 */
export const createSesClient = (config: AwsSesConfig, timeoutMs: number): SESv2Client =>
  new SESv2Client({
    region: config.region,
    endpoint: config.endpoint,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.accessKeySecret },
    maxAttempts: 1,
    retryMode: 'standard',
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, 10_000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    },
  });

/** What one send shares with the middleware under the SDK's deserializer. */
export type SesCall = {
  /** Set by the middleware: the reply as read (capped), which the provider reads for a 2xx. */
  response?: HttpResponse;
};

/** The parts of the SDK's raw HTTP response this middleware reads and replaces. */
type RawResponse = { statusCode: number; headers: Record<string, string>; body: unknown };

const isRawResponse = (value: unknown): value is RawResponse =>
  typeof value === 'object' && value !== null && typeof (value as RawResponse).statusCode === 'number' && typeof (value as RawResponse).headers === 'object';

/**
 * The SDK reads SES's reply body whole, through Node's http module (not our undici client). This
 * middleware sits between the request handler and the SDK's deserializer: it reads the body up to
 * the cap (destroying the socket's stream beyond it), hands the SDK those bytes (or none when the
 * body was over the cap or broke off, so the SDK classifies by status and headers alone), and
 * records the reply for the send running in `calls`. The body read is bounded by the send's
 * abort signal (`timeoutMs` and the worker's signal), which the handler keeps on the request.
 */
export const captureSesReplies = (client: SESv2Client): AsyncLocalStorage<SesCall> => {
  const calls = new AsyncLocalStorage<SesCall>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const raw = out.response;
      if (!isRawResponse(raw) || !(raw.body instanceof Readable)) return out;
      const read = await readCappedBody(raw.body, undefined, declaredLength(raw.headers));
      raw.body = read.complete ? new Uint8Array(read.bytes) : new Uint8Array();
      const call = calls.getStore();
      if (call) {
        call.response = read.complete
          ? { status: raw.statusCode, headers: raw.headers, body: read.bytes.toString('utf8') }
          : { status: raw.statusCode, headers: raw.headers, body: '', bodyIncomplete: true };
      }
      return out;
    },
    // Below the deserializer (priority 'normal'), right above the request handler.
    { step: 'deserialize', priority: 'low', name: 'otpCourierCappedReply' },
  );
  return calls;
};
