import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SESv2Client } from '@aws-sdk/client-sesv2';
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
