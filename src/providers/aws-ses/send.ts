import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { createDeadline } from '../../abort/deadline.js';
import { isDeliveryError } from '../../errors/delivery-error.js';
import type { OutgoingMessage, SendContext, SendResult } from '../types.js';
import type { AwsSesConfig } from './config.js';
import { classifySesError } from './errors.js';
import { buildSendEmailInput } from './request.js';

/**
 * The parts of an SDK error we read. Service exceptions and reply-parsing failures both carry
 * `$metadata.httpStatusCode`; transport errors carry Node's `code`.
 */
const sdkErrorSchema = z.looseObject({
  name: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  $metadata: z.looseObject({ httpStatusCode: z.number().int().optional() }).optional().catch(undefined),
});

/** Sends one message with the connector's client; every failure becomes a `DeliveryError`. */
export const sendSesEmail = async (
  client: SESv2Client,
  config: AwsSesConfig,
  timeoutMs: number,
  message: OutgoingMessage,
  ctx: SendContext,
): Promise<SendResult> => {
  const command = new SendEmailCommand(buildSendEmailInput(config, message));
  const deadline = createDeadline(timeoutMs, ctx.signal);
  try {
    const output = await client.send(command, { abortSignal: deadline.signal });
    return { providerMessageId: output.MessageId };
  } catch (error) {
    if (isDeliveryError(error)) throw error;
    const parsed = sdkErrorSchema.safeParse(error);
    const fields = parsed.success ? parsed.data : {};
    throw classifySesError(
      {
        name: fields.name ?? 'Error',
        httpStatusCode: fields.$metadata?.httpStatusCode,
        systemCode: fields.code,
        timedOut: deadline.timedOut(),
        aborted: ctx.signal.aborted,
      },
      error,
    );
  } finally {
    deadline.dispose();
  }
};
