import type { OutgoingMessage, RenderedEmail } from '../../../src/providers/types.js';

/** The rendered sign-in mail most email provider tests send. */
export const renderedEmail: RenderedEmail = {
  kind: 'email',
  subject: 'Sign in to Acme',
  text: 'Your code is 123456',
  html: '<p>Your code is <b>123456</b></p>',
  replyTo: 'help@acme.test',
};

/** A SignIn email to user@example.test carrying `renderedEmail`; override any field. */
export const emailMessage = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'email',
  to: 'user@example.test',
  type: 'SignIn',
  locale: 'en',
  payload: { code: '123456' },
  content: renderedEmail,
  ...overrides,
});

/** A SignIn SMS with code 123456; `to` and `content` come from the provider's test, override anything. */
export const smsMessage = (base: Pick<OutgoingMessage, 'to' | 'content'> & Partial<OutgoingMessage>, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  id: 'msg-1',
  channel: 'sms',
  type: 'SignIn',
  locale: 'en',
  payload: { code: '123456' },
  ...base,
  ...overrides,
});
