import type { AsyncLocalStorage } from 'node:async_hooks';
import { SendEmailCommand, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { createDeadline } from '../../abort/deadline.js';
import { isDeliveryError, permanent } from '../../errors/delivery-error.js';
import { acceptReply, isSuccessStatus } from '../http/accept.js';
import type { HttpResponse } from '../http/client.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { AwsSesConfig } from './config.js';
import { classifySesError, type SesFailure } from './errors.js';
import type { SesCall } from './transport.js';

const CHARSET = 'UTF-8';

/**
 * The SESv2 `SendEmail` input for one rendered email (`Content.Simple`): HTML mail carries both
 * an HTML and a text part, plain mail only the text part. SES has no vendor templates here
 * (Logto's connector renders locally too), so remote content is refused.
 */
export const buildSendEmailInput = (config: AwsSesConfig, message: OutgoingMessage): SendEmailCommandInput => {
  const { content } = message;
  if (content.kind !== 'email') {
    throw permanent({ provider: 'aws-ses', code: 'template_not_supported', message: 'aws-ses sends rendered email only' });
  }
  return {
    FromEmailAddress: config.emailAddress,
    FromEmailAddressIdentityArn: config.emailAddressIdentityArn,
    Destination: { ToAddresses: [message.to] },
    ReplyToAddresses: content.replyTo === undefined ? undefined : [content.replyTo],
    FeedbackForwardingEmailAddress: config.feedbackForwardingEmailAddress,
    FeedbackForwardingEmailAddressIdentityArn: config.feedbackForwardingEmailAddressIdentityArn,
    ConfigurationSetName: config.configurationSetName,
    Content: {
      Simple: {
        Subject: { Data: content.subject, Charset: CHARSET },
        Body: {
          Html: content.html === undefined ? undefined : { Data: content.html, Charset: CHARSET },
          Text: { Data: content.text, Charset: CHARSET },
        },
      },
    },
  };
};

/** A connector's SDK client and the replies its middleware records (`captureSesReplies`). */
export type SesConnection = { client: SESv2Client; calls: AsyncLocalStorage<SesCall> };

/**
 * The parts of an SDK error we read. Service exceptions and reply-parsing failures both carry
 * `$metadata.httpStatusCode`; transport errors carry Node's `code`.
 */
const sdkErrorSchema = z.looseObject({
  name: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  $metadata: z.looseObject({ httpStatusCode: z.number().int().optional() }).optional().catch(undefined),
});

/** SendEmail's 200 body: `{"MessageId": "…"}`. */
const sentSchema = z.object({ MessageId: z.string().min(1) });

/**
 * What failed. Once a reply arrived, its status and error type decide: a failure the SDK reports
 * without a status after that (our deadline cut the body: `AbortError`) is classified by the
 * reply's status alone, not as a timeout.
 */
const failureOf = (error: unknown, reply: HttpResponse | undefined, timedOut: boolean, aborted: boolean): SesFailure => {
  const parsed = sdkErrorSchema.safeParse(error);
  const fields = parsed.success ? parsed.data : {};
  const status = fields.$metadata?.httpStatusCode;
  if (status === undefined && reply !== undefined) return { name: 'Unknown', httpStatusCode: reply.status, timedOut: false, aborted: false };
  return { name: fields.name ?? 'Error', httpStatusCode: status, systemCode: fields.code, timedOut, aborted };
};

/**
 * Sends one message with the connector's client; every failure becomes a `DeliveryError`. The SDK
 * builds and signs the request; a 2xx reply is read here, from what the middleware recorded.
 */
export const sendSesEmail = async (
  { client, calls }: SesConnection,
  config: AwsSesConfig,
  timeoutMs: number,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const command = new SendEmailCommand(buildSendEmailInput(config, message));
  const deadline = createDeadline(timeoutMs, ctx.signal);
  const call: SesCall = {};
  try {
    await calls.run(call, () => client.send(command, { abortSignal: deadline.signal }));
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    // SES said 2xx and the SDK could not read it: the rule below decides.
    if (!isSuccessStatus(call.response?.status ?? 0)) {
      throw classifySesError(failureOf(error, call.response, deadline.timedOut(), ctx.signal.aborted), error);
    }
  } finally {
    deadline.dispose();
  }
  return acceptReply(call.response, sentSchema, (sent) => ({ providerMessageId: sent.MessageId }));
};
