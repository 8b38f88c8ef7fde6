import type { LocaleCopy } from './types.js';

export const en: LocaleCopy = {
  lang: 'en',
  codeNote: 'This code expires soon and can only be used once. Never share it with anyone — we will never ask you for it.',
  linkFallback: 'If the button doesn’t work, copy and paste this link into your browser:',
  footer: 'This email was sent automatically. Please do not reply.',
  types: {
    SignIn: {
      subject: 'Your sign-in code',
      intro: 'Enter this verification code to sign in:',
      ignore: 'If you didn’t try to sign in, you can safely ignore this email.',
      sms: 'Your sign-in code is {{code}}. It expires soon. Never share it with anyone.',
    },
    Register: {
      subject: 'Your sign-up code',
      intro: 'Enter this verification code to confirm your email address and finish creating your account:',
      ignore: 'If you didn’t try to create an account, you can safely ignore this email.',
      sms: 'Your sign-up code is {{code}}. It expires soon. Never share it with anyone.',
    },
    ForgotPassword: {
      subject: 'Your password reset code',
      intro: 'Enter this verification code to reset your password:',
      ignore: 'If you didn’t request a password reset, you can safely ignore this email. Your password won’t change.',
      sms: "Your password reset code is {{code}}. If you didn't request it, ignore this message. Never share it.",
    },
    Generic: {
      subject: 'Your verification code',
      intro: 'Enter this verification code to continue:',
      ignore: 'If you didn’t request this code, you can safely ignore this email.',
      sms: 'Your verification code is {{code}}. It expires soon. Never share it with anyone.',
    },
    OrganizationInvitation: {
      subject: 'You’ve been invited to join an organization',
      intro: 'Accept the invitation to join the organization and get started.',
      button: 'Accept invitation',
      ignore: 'If you weren’t expecting this invitation, you can safely ignore this email.',
      sms: "You've been invited to join an organization. Accept the invitation: {{link}}",
    },
    UserPermissionValidation: {
      subject: 'Verify it’s you',
      intro: 'To keep your account secure, we need to confirm it’s you before you change your account settings. Enter this verification code:',
      ignore: 'If you didn’t request this, you can safely ignore this email. No changes will be made to your account.',
      sms: "Your code to confirm it's you is {{code}}. If you didn't request it, ignore this message. Never share it.",
    },
    BindNewIdentifier: {
      subject: 'Confirm your new email address',
      intro: 'Enter this verification code to confirm this email address and link it to your account:',
      ignore: 'If you didn’t request this, you can safely ignore this email. This address won’t be linked to any account.',
      sms: 'Your code to confirm this phone number is {{code}}. It expires soon. Never share it with anyone.',
    },
    MfaVerification: {
      subject: 'Your two-step verification code',
      intro: 'Enter this code to finish signing in with two-step verification:',
      ignore: 'If you didn’t try to sign in, someone else may be trying to access your account. We recommend changing your password.',
      sms: 'Your two-step verification code is {{code}}. It expires soon. Never share it with anyone.',
    },
    BindMfa: {
      subject: 'Set up two-step verification',
      intro: 'Enter this code to use this email address for two-step verification:',
      ignore: 'If you didn’t request this, you can safely ignore this email.',
      sms: 'Your code to set up two-step verification is {{code}}. It expires soon. Never share it with anyone.',
    },
  },
};
