import type { ProviderDefinition } from './types.js';
import { outboxProvider } from './outbox/index.js';
import { smtpProvider } from './smtp/index.js';
import { twilioSmsProvider } from './twilio-sms/index.js';
import { vonageSmsProvider } from './vonage-sms/index.js';
import { smsaeroProvider } from './smsaero/index.js';
import { gatewayapiSmsProvider } from './gatewayapi-sms/index.js';
import { httpEmailProvider } from './http-email/index.js';
import { httpSmsProvider } from './http-sms/index.js';
import { aliyunDmProvider } from './aliyun-dm/index.js';
import { awsSesProvider } from './aws-ses/index.js';
import { postmarkProvider } from './postmark/index.js';
import { sendgridEmailProvider } from './sendgrid-email/index.js';
import { mailgunProvider } from './mailgun/index.js';
import { aliyunSmsProvider } from './aliyun-sms/index.js';
import { tencentSmsProvider } from './tencent-sms/index.js';

/** Every provider the config may name, by id (SPEC §4). */
export const BUILTIN_PROVIDERS: readonly ProviderDefinition[] = [
  outboxProvider,
  smtpProvider,
  awsSesProvider,
  postmarkProvider,
  mailgunProvider,
  sendgridEmailProvider,
  aliyunDmProvider,
  httpEmailProvider,
  twilioSmsProvider,
  vonageSmsProvider,
  tencentSmsProvider,
  aliyunSmsProvider,
  smsaeroProvider,
  gatewayapiSmsProvider,
  httpSmsProvider,
];

export type ProviderRegistry = ReadonlyMap<string, ProviderDefinition>;

export const createProviderRegistry = (definitions: readonly ProviderDefinition[] = BUILTIN_PROVIDERS): ProviderRegistry =>
  new Map(definitions.map((d) => [d.id, d]));
