import { z } from 'zod';

/** Logto's TemplateType values (connector-kit `TemplateType`), in Logto's order. */
export const TEMPLATE_TYPES = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'Generic',
  'OrganizationInvitation',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
] as const;

export const templateTypeSchema = z.enum(TEMPLATE_TYPES);
export type TemplateType = z.infer<typeof templateTypeSchema>;

export const CHANNELS = ['email', 'sms'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

/**
 * Logto's `SendMessagePayload`: `code`, `link`, `locale`, `uiLocales` plus any context objects
 * (`user`, `application`, `organization`, `inviter`, …) the auth service adds.
 */
export type Payload = {
  code?: string;
  link?: string;
  locale?: string;
  uiLocales?: string;
  [key: string]: unknown;
};

export type ContentType = 'text/plain' | 'text/html';
