import { isDeliveryError } from '../errors/delivery-error.js';
import type { JobData, MessageBody } from '../messages/job-data.js';
import type { OutgoingMessage, Provider } from '../providers/types.js';
import { renderContent, type Resolved, type TemplateResolver } from '../templates/resolve.js';
import type { Unrenderable } from './decide.js';

/**
 * The message as `provider` would send it, or why it cannot: no template this connector can use
 * (`template_not_found`), or rendering threw (`render_failed`, a bug: deterministic, never the
 * connector's fault). Either way another connector of the chain may still render it.
 */
export const prepareMessage = (
  resolver: TemplateResolver,
  data: Pick<JobData, 'id' | 'channel' | 'type'>,
  body: MessageBody,
  locale: string,
  provider: Provider,
): OutgoingMessage | { unrenderable: Unrenderable } => {
  let resolved: Resolved;
  try {
    resolved = resolver.resolve({ channel: data.channel, type: data.type, locale }, provider);
  } catch (error) {
    return { unrenderable: isDeliveryError(error) && error.code === 'template_not_found' ? 'template_not_found' : 'render_failed' };
  }
  try {
    return {
      id: data.id,
      channel: data.channel,
      to: body.to,
      type: data.type,
      locale,
      payload: body.payload,
      ...(body.ip && { ip: body.ip }),
      content: renderContent(resolved, data.channel, body.payload),
    };
  } catch {
    return { unrenderable: 'render_failed' };
  }
};
