import { Errors, type Message, type ServerClient, type TemplatedMessage } from 'postmark';
import { z } from 'zod';
import { DeliveryError, isDeliveryError, permanent } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { PostmarkConfig } from './config.js';
import { classifyPostmarkError } from './errors.js';
import type { PostmarkCall, PostmarkTransport } from './transport.js';

/** Postmark's default transactional stream. */
const DEFAULT_MESSAGE_STREAM = 'outbound';

/** The `ref` of this connector's remote templates. */
const postmarkTemplateRefSchema = z.looseObject({ templateAlias: z.string().min(1) });

type PostmarkRequest =
  | { endpoint: 'email'; body: Message }
  | { endpoint: 'withTemplate'; body: TemplatedMessage };

/**
 * `POST /email/withTemplate` for a template alias (Postmark renders it with the payload as
 * `TemplateModel`, as Logto's connector does); `POST /email` for mail rendered by the worker.
 */
export const buildPostmarkRequest = (config: PostmarkConfig, message: OutgoingMessage): PostmarkRequest => {
  const { content } = message;
  const MessageStream = config.messageStream ?? DEFAULT_MESSAGE_STREAM;
  if (content.kind === 'remote') {
    const ref = postmarkTemplateRefSchema.safeParse(content.ref);
    if (!ref.success) throw permanent({ provider: 'postmark', code: 'template_invalid', message: 'template reference has no templateAlias', scope: 'connector' });
    return {
      endpoint: 'withTemplate',
      body: { From: config.fromEmail, To: message.to, TemplateAlias: ref.data.templateAlias, TemplateModel: message.payload, MessageStream },
    };
  }
  if (content.kind !== 'email') {
    throw permanent({ provider: 'postmark', code: 'template_not_supported', message: 'postmark sends email only' });
  }
  return {
    endpoint: 'email',
    body: {
      From: config.fromEmail,
      To: message.to,
      Subject: content.subject,
      HtmlBody: content.html,
      TextBody: content.text,
      ReplyTo: content.replyTo,
      MessageStream,
    },
  };
};

/** Postmark's 200 body: `{To, SubmittedAt, MessageID, ErrorCode: 0, Message: "OK"}` (errors come with 4xx/5xx). */
const sentSchema = z.object({ MessageID: z.string().min(1), ErrorCode: z.literal(0).optional() });

/**
 * Sends one message with the connector's SDK client; every failure becomes a `DeliveryError`. The
 * SDK builds the request; a 2xx reply is read here, from what the transport saw.
 */
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
    await transport.run(call, () => (request.endpoint === 'withTemplate' ? client.sendEmailWithTemplate(request.body) : client.sendEmail(request.body)));
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    if (error instanceof Errors.PostmarkError && error.statusCode >= 400) {
      throw classifyPostmarkError({ status: error.statusCode, errorCode: error.code, headers: call.response?.headers });
    }
    // Timeouts, aborts and network errors, as our transport classified them before the SDK flattened them.
    if (call.failure) throw call.failure;
    if (!isSuccessStatus(call.response?.status ?? 0)) {
      throw new DeliveryError({ kind: 'retryable', provider: 'postmark', code: 'network_error', message: 'network error', cause: error });
    }
  }
  return acceptReply(call.response, sentSchema, (sent) => ({ providerMessageId: sent.MessageID }));
};
