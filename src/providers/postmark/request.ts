import type { Message, TemplatedMessage } from 'postmark';
import { z } from 'zod';
import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import type { PostmarkConfig } from './config.js';

/** Postmark's default transactional stream. */
export const DEFAULT_MESSAGE_STREAM = 'outbound';

/** The `ref` of this connector's remote templates. */
export const postmarkTemplateRefSchema = z.looseObject({ templateAlias: z.string().min(1) });

export type PostmarkRequest =
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
