import { httpEmailProvider } from '../../src/providers/http-email/index.js';
import { describeHttpWebhookProvider } from './http-webhook.suite.js';

describeHttpWebhookProvider(httpEmailProvider, 'email', {
  id: '01J9Z8Q4V6W7X8Y9Z0A1B2C3D4',
  channel: 'email',
  to: 'ana@example.com',
  type: 'OrganizationInvitation',
  locale: 'ko',
  payload: {
    code: '123456',
    link: 'https://auth.example.com/invite?token=abc',
    locale: 'ko',
    uiLocales: 'ko en',
    organization: { id: 'org_1', name: '에이크미', branding: { logoUrl: null } },
    inviter: { id: 'u_2', name: 'Bo', primaryEmail: 'bo@example.com' },
  },
  ip: '203.0.113.7',
  content: { kind: 'email', subject: 'rendered, not sent', text: 'rendered, not sent' },
});
