import { httpSmsProvider } from '../../src/providers/http-sms/index.js';
import { describeHttpWebhookProvider } from './http-webhook.suite.js';

describeHttpWebhookProvider(httpSmsProvider, 'sms', {
  id: '01J9Z8Q4V6W7X8Y9Z0A1B2C3D5',
  channel: 'sms',
  to: '+15005550006',
  type: 'SignIn',
  locale: 'zh-Hant-TW',
  payload: { code: '654321', locale: 'zh-Hant-TW', user: { id: 'u_1', primaryPhone: '15005550006', name: '王小明' }, application: { id: 'app', name: 'Demo' } },
  ip: '2001:db8::1',
  content: { kind: 'sms', text: 'rendered, not sent' },
});
