import { instantiate } from '../../../src/providers/types.js';
import { pino } from 'pino';
import type { DeliveryError } from '../../../src/errors/delivery-error.js';
import { aliyunDmProvider } from '../../../src/providers/aliyun-dm/index.js';
import { aliyunSmsProvider } from '../../../src/providers/aliyun-sms/index.js';
import { awsSesProvider } from '../../../src/providers/aws-ses/index.js';
import { gatewayapiSmsProvider } from '../../../src/providers/gatewayapi-sms/index.js';
import { httpEmailProvider } from '../../../src/providers/http-email/index.js';
import { httpSmsProvider } from '../../../src/providers/http-sms/index.js';
import { mailgunProvider } from '../../../src/providers/mailgun/index.js';
import { postmarkProvider } from '../../../src/providers/postmark/index.js';
import { sendgridEmailProvider } from '../../../src/providers/sendgrid-email/index.js';
import { smsaeroProvider } from '../../../src/providers/smsaero/index.js';
import { tencentSmsProvider } from '../../../src/providers/tencent-sms/index.js';
import { twilioSmsProvider } from '../../../src/providers/twilio-sms/index.js';
import { vonageSmsProvider } from '../../../src/providers/vonage-sms/index.js';
import type { OutgoingMessage, Provider, ProviderDefinition } from '../../../src/providers/types.js';
import type { StandInReply } from '../../helpers/http-stand-in.js';
import { emailMessage, smsMessage } from './messages.js';

export type Classified = Pick<DeliveryError, 'kind' | 'scope' | 'code'>;

/** Every HTTP or SDK connector, described once for the tables of hostile-reply tests. */
export type VendorTarget = {
  id: string;
  /** A provider whose vendor is at `baseUrl` (`http://127.0.0.1:<port>`); `extra` is merged into its config. */
  create: (baseUrl: string, extra?: Record<string, unknown>) => Provider;
  message: OutgoingMessage;
  /** The vendor's documented success reply. */
  ok: StandInReply;
  /**
   * 2xx replies besides `<html>oops</html>` and `{}` that the connector must not recognise: the
   * vendor's success shape minus its id. `'ignored'` for connectors that read no 2xx body (http-*).
   */
  unrecognised: StandInReply[] | 'ignored';
  /** The vendor's error replies carrying `code`, and how a code the vendor never documented is classified. */
  codes?: CodeCase[];
};

export type CodeCase = { where: string; reply: (code: string) => StandInReply; unknown: (code: string) => Classified };

const deps = (channel: 'email' | 'sms') => ({ name: 'primary', channel, logger: pino({ level: 'silent' }) });

const build =
  (definition: ProviderDefinition, channel: 'email' | 'sms', config: Record<string, unknown>, endpoint: (url: string) => string = (url) => url) =>
    (url: string, extra: Record<string, unknown> = {}): Provider =>
      instantiate(definition, definition.configSchema.parse({ ...config, endpoint: endpoint(url), ...extra }), deps(channel));

const email = emailMessage();
const sms = (to: string): OutgoingMessage => smsMessage({ to, content: { kind: 'sms', text: 'Your code is 123456' } });
const remote = (to: string, ref: Record<string, unknown>): OutgoingMessage => smsMessage({ to, content: { kind: 'remote', ref } });

/** An unknown vendor code keeps the code and follows the status (what `classifyHttpStatus` does for 400/422). */
const byStatus = (code: string): Classified => ({ kind: 'permanent', scope: 'message', code });
const rejectedMessage = byStatus;

const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';

export const VENDORS: readonly VendorTarget[] = [
  {
    id: 'aws-ses',
    create: build(awsSesProvider, 'email', { accessKeyId: 'AKIAEXAMPLE', accessKeySecret: 'secret', region: 'eu-west-1', emailAddress: 'no-reply@acme.test' }),
    message: email,
    ok: { status: 200, body: { MessageId: '0102018f-ses' } },
    unrecognised: [{ status: 200, body: { MessageId: '' } }],
    codes: [
      {
        where: 'x-amzn-ErrorType',
        reply: (code) => ({ status: 400, headers: { 'x-amzn-errortype': code }, body: { message: 'x' } }),
        // An unmodelled error type keeps its name when it looks like one, else the status decides.
        unknown: (code) => byStatus(/^[A-Za-z][\w.]*$/.test(code) ? code : 'http_400'),
      },
      {
        where: '__type',
        reply: (code) => ({ status: 400, body: { __type: code, message: 'x' } }),
        unknown: (code) => byStatus(/^[A-Za-z][\w.]*$/.test(code) ? code : 'http_400'),
      },
    ],
  },
  {
    id: 'postmark',
    create: build(postmarkProvider, 'email', { serverToken: 'server-token', fromEmail: 'no-reply@acme.test' }),
    message: email,
    ok: { status: 200, body: { To: 'user@example.test', SubmittedAt: '2026-01-01T00:00:00Z', MessageID: 'b7bc2f4a', ErrorCode: 0, Message: 'OK' } },
    unrecognised: [{ status: 200, body: { To: 'user@example.test', SubmittedAt: '2026-01-01T00:00:00Z', ErrorCode: 0, Message: 'OK' } }],
    // `ErrorCode` is an integer: anything else is no code, and the status decides.
    codes: [{ where: 'error body', reply: (code) => ({ status: 422, body: { ErrorCode: code, Message: 'x' } }), unknown: () => byStatus('http_422') }],
  },
  {
    id: 'mailgun',
    create: build(mailgunProvider, 'email', { domain: 'mg.acme.test', apiKey: 'key-x', from: 'no-reply@mg.acme.test', deliveries: { SignIn: { html: '<p>{{code}}</p>' } } }),
    message: email,
    ok: { status: 200, body: { id: '<1.ABC@mg.acme.test>', message: 'Queued. Thank you.' } },
    unrecognised: [{ status: 200, body: { message: 'Queued. Thank you.' } }],
  },
  {
    id: 'sendgrid-email',
    create: build(sendgridEmailProvider, 'email', { apiKey: 'SG.key', fromEmail: 'no-reply@acme.test' }),
    message: email,
    ok: { status: 202, headers: { 'x-message-id': 'sg-1' } },
    // SendGrid's id is the X-Message-Id header of a 202 with an empty body.
    unrecognised: [{ status: 202 }],
  },
  {
    id: 'aliyun-dm',
    create: build(aliyunDmProvider, 'email', { accessKeyId: 'LTAI', accessKeySecret: 'secret', accountName: 'no-reply@mail.acme.test', templates: [] }),
    message: email,
    ok: { status: 200, body: { EnvId: '600000123456', RequestId: 'r' } },
    unrecognised: [{ status: 200, body: { RequestId: 'r' } }],
    codes: [{ where: 'error body', reply: (code) => ({ status: 400, body: { Code: code, Message: 'x', RequestId: 'r' } }), unknown: byStatus }],
  },
  {
    id: 'http-email',
    create: build(httpEmailProvider, 'email', {}, (url) => `${url}/otp`),
    message: email,
    ok: { status: 204 },
    unrecognised: 'ignored',
  },
  {
    id: 'twilio-sms',
    create: build(twilioSmsProvider, 'sms', { accountSID: TWILIO_SID, authToken: 'token', fromMessagingServiceSID: 'MG0123' }),
    message: sms('+15005550006'),
    ok: { status: 201, body: { sid: 'SM0123', account_sid: TWILIO_SID, status: 'accepted' } },
    unrecognised: [{ status: 201, body: { account_sid: TWILIO_SID, status: 'accepted', to: '+15005550006' } }],
    // Twilio codes are numbers: anything else is no code, and the status decides.
    codes: [{ where: 'error body', reply: (code) => ({ status: 400, body: { code, message: 'x', status: 400 } }), unknown: () => byStatus('http_400') }],
  },
  {
    id: 'vonage-sms',
    create: build(vonageSmsProvider, 'sms', { apiKey: 'key', apiSecret: 'secret', brandName: 'Acme' }),
    message: sms('+447700900000'),
    ok: { status: 200, body: { 'message-count': '1', messages: [{ status: '0', 'message-id': '0C00' }] } },
    unrecognised: [
      { status: 200, body: { 'message-count': '1', messages: [{ status: '0', to: '447700900000' }] } },
      { status: 200, body: { 'message-count': '0', messages: [] } },
    ],
    codes: [{ where: 'error body', reply: (code) => ({ status: 200, body: { 'message-count': '1', messages: [{ status: code, 'error-text': 'x' }] } }), unknown: rejectedMessage }],
  },
  {
    id: 'tencent-sms',
    create: build(tencentSmsProvider, 'sms', {
      accessKeyId: 'AKID',
      accessKeySecret: 'secret',
      signName: 'Acme',
      sdkAppId: '1400006666',
      region: 'ap-guangzhou',
      templates: [{ usageType: 'Generic', templateCode: '1110' }],
    }),
    message: remote('+8613711112222', { templateCode: '1110' }),
    ok: { status: 200, body: { Response: { SendStatusSet: [{ Code: 'Ok', SerialNo: '5000:1' }], RequestId: 'r' } } },
    unrecognised: [
      { status: 200, body: { Response: { RequestId: 'r' } } },
      { status: 200, body: { Response: { SendStatusSet: [{ Code: 'Ok', PhoneNumber: '+8613711112222' }], RequestId: 'r' } } },
    ],
    codes: [
      { where: 'Response.Error', reply: (code) => ({ status: 200, body: { Response: { Error: { Code: code, Message: 'x' }, RequestId: 'r' } } }), unknown: rejectedMessage },
      {
        where: 'SendStatusSet',
        reply: (code) => ({ status: 200, body: { Response: { SendStatusSet: [{ Code: code, SerialNo: '' }], RequestId: 'r' } } }),
        unknown: rejectedMessage,
      },
    ],
  },
  {
    id: 'aliyun-sms',
    create: build(aliyunSmsProvider, 'sms', { accessKeyId: 'LTAI', accessKeySecret: 'secret', signName: 'Acme', templates: [{ usageType: 'Generic', templateCode: 'SMS_1' }] }),
    message: remote('+8613800138000', { templateCode: 'SMS_1' }),
    ok: { status: 200, body: { Code: 'OK', Message: 'OK', RequestId: 'r', BizId: '9006^0' } },
    unrecognised: [{ status: 200, body: { Code: 'OK', Message: 'OK', RequestId: 'r' } }],
    codes: [
      { where: 'SendSms Code', reply: (code) => ({ status: 200, body: { Code: code, Message: 'x', RequestId: 'r' } }), unknown: rejectedMessage },
      {
        where: 'gateway Code',
        reply: (code) => ({ status: 400, body: { Code: code, Message: 'x', RequestId: 'r', HostId: 'dysmsapi.aliyuncs.com' } }),
        unknown: byStatus,
      },
    ],
  },
  {
    id: 'smsaero',
    create: build(smsaeroProvider, 'sms', { email: 'ops@example.com', apiKey: 'key', senderName: 'Acme' }),
    message: sms('+79990000000'),
    ok: { status: 200, body: { success: true, data: { id: 686325, status: 8 }, message: null } },
    unrecognised: [
      { status: 200, body: { success: true, data: { status: 8 }, message: null } },
      { status: 200, body: { success: true, data: null, message: null } },
    ],
  },
  {
    id: 'gatewayapi-sms',
    create: build(gatewayapiSmsProvider, 'sms', { apiToken: 'token', sender: 'Acme' }, (url) => `${url}/rest/mtsms`),
    message: sms('+4512345678'),
    ok: { status: 200, body: { ids: [421332671], usage: { currency: 'DKK' } } },
    unrecognised: [
      { status: 200, body: { usage: { currency: 'DKK' } } },
      { status: 200, body: { ids: [] } },
    ],
    // GatewayAPI codes are `0x` + 4 hex digits: anything else is no code, and the status decides.
    codes: [{ where: 'error body', reply: (code) => ({ status: 400, body: { code, message: 'x' } }), unknown: () => byStatus('http_400') }],
  },
  {
    id: 'http-sms',
    create: build(httpSmsProvider, 'sms', {}, (url) => `${url}/otp`),
    message: sms('+15005550006'),
    ok: { status: 204 },
    unrecognised: 'ignored',
  },
];
