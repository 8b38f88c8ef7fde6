import type { ValidationIssue } from '../errors/validation-error.js';
import { compileTemplate } from '../templates/compile.js';
import { smsSegments } from '../templates/sms-segments.js';
import type { LoadedConfig } from './load.js';

/** Payload roots Logto sends; other roots in a template are probably typos. */
export const KNOWN_VARIABLE_ROOTS = new Set(['code', 'link', 'locale', 'uiLocales', 'user', 'application', 'organization', 'inviter', 'ip']);

const SAMPLE = { code: '123456', link: 'https://example.com/x' };

type Checked = { path: string; content: string; channel: 'email' | 'sms'; subject?: string | undefined };

/** Non-fatal findings for `config check`: unknown variables, SMS longer than two segments. */
export const configWarnings = ({ config, chains }: LoadedConfig): ValidationIssue[] => {
  const checked: Checked[] = config.templates.map((t, i) => ({ path: `templates[${i}]`, content: t.content, channel: t.channel, subject: t.subject }));
  for (const channel of ['email', 'sms'] as const) {
    for (const c of chains[channel]) {
      const templates = (c.config as { templates?: unknown }).templates;
      if (!Array.isArray(templates)) continue;
      templates.forEach((t: unknown, i) => {
        if (t && typeof t === 'object' && 'content' in t && typeof t.content === 'string') {
          const subject = 'subject' in t && typeof t.subject === 'string' ? t.subject : undefined;
          checked.push({ path: `${channel}.connectors.${c.name}.config.templates[${i}]`, content: t.content, channel, subject });
        }
      });
    }
  }
  const warnings: ValidationIssue[] = [];
  for (const t of checked) {
    const compiled = compileTemplate(t.content);
    const variables = [...compiled.variables, ...(t.subject ? compileTemplate(t.subject).variables : [])];
    for (const v of new Set(variables)) {
      const root = v.split('.')[0] ?? v;
      if (!KNOWN_VARIABLE_ROOTS.has(root)) warnings.push({ path: t.path, message: `unknown variable {{${v}}} (left as written when the payload has no "${root}")` });
    }
    if (t.channel === 'sms') {
      const { segments, encoding } = smsSegments(compiled.render(SAMPLE, 'none'));
      if (segments > 2) warnings.push({ path: t.path, message: `renders to ${segments} SMS segments (${encoding}) with a 6-digit code` });
    }
  }
  return warnings;
};
