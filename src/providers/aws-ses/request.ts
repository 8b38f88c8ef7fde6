import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { permanent } from '../../errors/delivery-error.js';
import type { OutgoingMessage } from '../types.js';
import type { AwsSesConfig } from './config.js';

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
