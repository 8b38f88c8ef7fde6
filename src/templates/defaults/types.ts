import type { TemplateType } from '../../messages/types.js';

/** One built-in default, ready for the renderer: only `{{code}}` and `{{link}}` placeholders. */
export type BuiltinTemplate = {
  /** Email subject, plain text, no newlines. */
  subject: string;
  /** Full email HTML document: inline styles, single column, `lang` set, no external resources. */
  html: string;
  /** The plain-text email part. */
  text: string;
  /** SMS body; fits one segment once a 6-digit code is substituted. */
  sms: string;
};

export type BuiltinCatalog = Readonly<Record<TemplateType, BuiltinTemplate>>;

/** The words of one code-based template; `layout.ts` turns them into subject, HTML and text. */
export type CodeCopy = {
  /** Also the heading of the email. */
  subject: string;
  /** Shown right before the code; phrased for the flow (sign in, reset the password, …). */
  intro: string;
  /** What to do if the recipient did not ask for this email. */
  ignore: string;
  /** Whole SMS body with `{{code}}`. */
  sms: string;
};

/** An invitation carries `{{link}}` and may carry no code. */
export type InvitationCopy = Omit<CodeCopy, 'sms'> & {
  /** Button label for the link. */
  button: string;
  /** Whole SMS body with `{{link}}`. */
  sms: string;
};

type CodeTemplateType = Exclude<TemplateType, 'OrganizationInvitation'>;

/** Everything a language file provides. */
export type LocaleCopy = {
  /** BCP 47 tag; the catalog key and the HTML `lang` attribute. */
  lang: string;
  /** Shown under every code: it expires soon, works once, is never to be shared. */
  codeNote: string;
  /** Shown under the invitation button, before the raw link. */
  linkFallback: string;
  /** Small print at the bottom of every email. */
  footer: string;
  types: Readonly<Record<CodeTemplateType, CodeCopy>> & { readonly OrganizationInvitation: InvitationCopy };
};
