import { compile, type SelectorDefinition } from 'html-to-text';

/** Block elements that end a paragraph in the text part: one blank line around each. */
const PARAGRAPHS = ['p', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'tr', 'section', 'article', 'header', 'footer'];

const SELECTORS: SelectorDefinition[] = [
  // `text (https://…)`, or the bare URL when the label is the URL (as with `{{link}}`); `#` anchors drop their target.
  { selector: 'a', options: { linkBrackets: ['(', ')'], hideLinkHrefIfSameAsText: true } },
  // Headings keep their case, and layout tables and rows read as paragraphs, not as data tables.
  ...PARAGRAPHS.map((selector) => ({ selector, format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } })),
  { selector: 'ul', options: { itemPrefix: '- ' } },
  { selector: 'img', format: 'skip' },
  { selector: 'title', format: 'skip' },
];

/** Compiled once: html-to-text builds its selector tree per `compile`, not per document. */
const convert = compile({ wordwrap: false, selectors: SELECTORS });

/**
 * A plain-text part from an HTML template, done once per template at start-up (placeholders
 * survive as text and are rendered afterwards). Lines are never wrapped: the mail client does
 * that. An `&nbsp;` (HTML layout spacing) reads as an ordinary space; a typed no-break space, as
 * French puts before `:`, is kept.
 */
export const htmlToText = (html: string): string => convert(html.replaceAll('&nbsp;', ' '));
