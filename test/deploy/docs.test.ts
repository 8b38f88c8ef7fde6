import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchors } from './lib/markdown.js';
import { REPO } from './lib/tools.js';

describe('docs/operations.md', () => {
  it('has a section for every in-page link and for the dashboard link', async () => {
    const markdown = await readFile(join(REPO, 'docs/operations.md'), 'utf8');
    const anchors = headingAnchors(markdown);
    const dashboard = await readFile(join(REPO, 'deploy/grafana/otp-courier.json'), 'utf8');
    const links = [...markdown.matchAll(/\]\(#([^)]+)\)/g), ...dashboard.matchAll(/operations\.md#([\w-]+)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(anchors.has(link ?? ''), `#${link}`).toBe(true);
  });
});
