import type { ConnectorTemplate } from '../types.js';
import type { MailgunConfig } from './config.js';

/** Logto's `deliveries` record → local templates (`html`/`text`) and remote ones (`template`). */
export const toMailgunTemplates = (deliveries: MailgunConfig['deliveries']): ConnectorTemplate[] =>
  Object.entries(deliveries).flatMap(([usageType, delivery]): ConnectorTemplate[] => {
    if (delivery === undefined) return [];
    if ('template' in delivery) {
      return [{ kind: 'remote', usageType, ref: { ...delivery } }];
    }
    return [
      {
        kind: 'local',
        usageType,
        subject: delivery.subject,
        content: delivery.html,
        contentType: 'text/html',
        text: delivery.text,
        replyTo: delivery.replyTo,
      },
    ];
  });
