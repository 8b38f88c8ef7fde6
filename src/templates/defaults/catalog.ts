import { button, codeBox, emailHtml, emailText, paragraph, rawLink } from './layout.js';
import type { BuiltinCatalog, BuiltinTemplate, CodeCopy, InvitationCopy, LocaleCopy } from './types.js';

const CODE = '{{code}}';
const LINK = '{{link}}';

const codeTemplate = (locale: LocaleCopy, copy: CodeCopy): BuiltinTemplate => ({
  subject: copy.subject,
  html: emailHtml({
    lang: locale.lang,
    subject: copy.subject,
    blocks: [paragraph(copy.intro), codeBox(CODE), paragraph(locale.codeNote, 'note'), paragraph(copy.ignore, 'note')],
    footer: locale.footer,
  }),
  text: emailText([copy.subject, copy.intro, CODE, locale.codeNote, copy.ignore], locale.footer),
  sms: copy.sms,
});

const invitationTemplate = (locale: LocaleCopy, copy: InvitationCopy): BuiltinTemplate => ({
  subject: copy.subject,
  html: emailHtml({
    lang: locale.lang,
    subject: copy.subject,
    blocks: [paragraph(copy.intro), button(LINK, copy.button), rawLink(LINK, locale.linkFallback), paragraph(copy.ignore, 'note')],
    footer: locale.footer,
  }),
  text: emailText([copy.subject, copy.intro, `${copy.button}\n${LINK}`, copy.ignore], locale.footer),
  sms: copy.sms,
});

/** One language's copy → its nine templates (frozen). */
export const buildCatalog = (locale: LocaleCopy): BuiltinCatalog => {
  const { types } = locale;
  const code = (copy: CodeCopy): BuiltinTemplate => Object.freeze(codeTemplate(locale, copy));
  return Object.freeze({
    SignIn: code(types.SignIn),
    Register: code(types.Register),
    ForgotPassword: code(types.ForgotPassword),
    Generic: code(types.Generic),
    OrganizationInvitation: Object.freeze(invitationTemplate(locale, types.OrganizationInvitation)),
    UserPermissionValidation: code(types.UserPermissionValidation),
    BindNewIdentifier: code(types.BindNewIdentifier),
    MfaVerification: code(types.MfaVerification),
    BindMfa: code(types.BindMfa),
  });
};
