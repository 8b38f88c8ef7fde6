import { escapeHtml } from '../compile.js';
/**
 * The HTML shell shared by every built-in email: a centred 560px card in nested tables (with a
 * fixed-width ghost table for Outlook's Word engine), inline styles only, system fonts, no images.
 * Copy passed in is plain text and is HTML-escaped here; the `{{code}}`/`{{link}}` placeholders
 * survive escaping and are escaped by the renderer when substituted.
 */

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";
const MONO = "'SFMono-Regular',Menlo,Consolas,'Liberation Mono',monospace";
const INK = '#1f2328';
const MUTED = '#59636e';
const ACCENT = '#0b57d0';
const PAGE = '#f3f4f6';

export { escapeHtml };

export const paragraph = (text: string, size: 'body' | 'note' = 'body'): string =>
  size === 'body'
    ? `<p style="margin:0 0 24px;">${escapeHtml(text)}</p>`
    : `<p style="margin:0 0 16px;font-size:14px;line-height:22px;color:${MUTED};">${escapeHtml(text)}</p>`;

/** The one-time code, large and monospaced so it is easy to read and copy. */
export const codeBox = (code: string): string =>
  '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 24px;"><tr>' +
  `<td bgcolor="${PAGE}" style="padding:12px 24px;background-color:${PAGE};border-radius:6px;font-family:${MONO};` +
  `font-size:32px;line-height:40px;font-weight:700;letter-spacing:6px;color:${INK};">${code}</td></tr></table>`;

/** A button that keeps its colour and padding in Outlook (the cell carries both). */
export const button = (href: string, label: string): string =>
  '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 24px;"><tr>' +
  `<td bgcolor="${ACCENT}" style="border-radius:6px;background-color:${ACCENT};mso-padding-alt:12px 24px;">` +
  `<a href="${href}" target="_blank" style="display:inline-block;padding:12px 24px;font-family:${FONT};` +
  `font-size:16px;line-height:24px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:6px;">` +
  `${escapeHtml(label)}</a></td></tr></table>`;

/** The raw link under a button, for clients that block buttons. */
export const rawLink = (href: string, label: string): string =>
  `<p style="margin:0 0 16px;font-size:14px;line-height:22px;color:${MUTED};">${escapeHtml(label)}<br>` +
  `<a href="${href}" target="_blank" style="color:${ACCENT};word-break:break-all;">${href}</a></p>`;

export type EmailShell = {
  lang: string;
  /** Also the `<title>` and the heading. */
  subject: string;
  /** Ready HTML blocks (from the helpers above), in order. */
  blocks: readonly string[];
  footer: string;
};

export const emailHtml = ({ lang, subject, blocks, footer }: EmailShell): string =>
  [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="x-apple-disable-message-reformatting">',
    '<meta name="color-scheme" content="light">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background-color:${PAGE};">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${PAGE}" style="background-color:${PAGE};">`,
    '<tr><td align="center" style="padding:32px 16px;">',
    '<!--[if mso]><table role="presentation" width="560" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="max-width:560px;background-color:#ffffff;border-radius:8px;">',
    `<tr><td style="padding:40px 32px 24px;font-family:${FONT};font-size:16px;line-height:24px;color:${INK};text-align:left;">`,
    `<h1 style="margin:0 0 24px;font-size:22px;line-height:30px;font-weight:600;color:${INK};">${escapeHtml(subject)}</h1>`,
    ...blocks,
    '</td></tr>',
    '</table>',
    `<p style="margin:16px auto 0;max-width:560px;font-family:${FONT};font-size:12px;line-height:18px;color:${MUTED};text-align:center;">${escapeHtml(footer)}</p>`,
    '<!--[if mso]></td></tr></table><![endif]-->',
    '</td></tr>',
    '</table>',
    '</body>',
    '</html>',
  ].join('\n');

/** The plain-text part: the same content, one paragraph a line, a blank line between. */
export const emailText = (paragraphs: readonly string[], footer: string): string =>
  [...paragraphs, `--\n${footer}`].join('\n\n');
