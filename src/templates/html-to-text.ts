const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * A plain-text part from an HTML template, done once per template at start-up (placeholders
 * survive as text and are rendered afterwards). Links keep their target: `text (https://…)`.
 */
export const htmlToText = (html: string): string =>
  html
    .replace(/<(head|style|script|title)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\b[^>]*href\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return text && text !== href ? `${text} (${href})` : href;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|section|article|header|footer)>/gi, '\n\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#?\w+);/g, (m, name: string) => ENTITIES[name] ?? decodeNumeric(name) ?? m)
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

const decodeNumeric = (name: string): string | undefined => {
  const match = /^#(x[0-9a-f]+|\d+)$/i.exec(name);
  if (!match?.[1]) return undefined;
  const code = match[1].startsWith('x') || match[1].startsWith('X') ? Number.parseInt(match[1].slice(1), 16) : Number(match[1]);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
};
