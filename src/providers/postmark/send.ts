import { Errors, type ServerClient } from 'postmark';
import { z } from 'zod';
import { DeliveryError, isDeliveryError } from '../../errors/delivery-error.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { PostmarkConfig } from './config.js';
import { classifyPostmarkError } from './errors.js';
import { buildPostmarkRequest } from './request.js';
import type { PostmarkCall, PostmarkTransport } from './transport.js';

const sendResponseSchema = z.looseObject({ MessageID: z.string().optional() });

/** Sends one message with the connector's SDK client; every failure becomes a `DeliveryError`. */
export const sendPostmarkEmail = async (
  client: ServerClient,
  transport: PostmarkTransport,
  config: PostmarkConfig,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const request = buildPostmarkRequest(config, message);
  const call: PostmarkCall = { signal: ctx.signal };
  try {
    const reply: unknown = await transport.run(call, () =>
      request.endpoint === 'withTemplate' ? client.sendEmailWithTemplate(request.body) : client.sendEmail(request.body),
    );
    const parsed = sendResponseSchema.safeParse(reply);
    return { providerMessageId: parsed.success ? parsed.data.MessageID : undefined };
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    if (error instanceof Errors.PostmarkError && error.statusCode >= 400) {
      throw classifyPostmarkError({ status: error.statusCode, errorCode: error.code, headers: call.response?.headers });
    }
    // Timeouts, aborts and network errors, as our transport classified them before the SDK flattened them.
    if (call.failure) throw call.failure;
    throw new DeliveryError({ kind: 'retryable', provider: 'postmark', code: 'network_error', message: 'network error', cause: error });
  }
};
