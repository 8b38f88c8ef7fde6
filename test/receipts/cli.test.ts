import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, writeConfig } from '../helpers/cli.js';
import { useReceiptIngest } from './receipt-ingest.js';

const TOKEN = 'cli-receipt-token-0123456789';

describe('CLI: send --wait-receipt and status (SPEC §8), against a running worker and ingest', () => {
  const fixture = useReceiptIngest(() => ({ email: { connectors: { main: { receipts: { token: TOKEN, delayMs: 0 } } } } }));

  it('waits for the delivered receipt (exit 0), then status --json reports it', async () => {
    const { loaded } = fixture.pipeline;
    const file = await writeConfig(join(await mkdtemp(join(tmpdir(), 'otp-cli-')), 'config.json'), {
      redis: { url: loaded.config.redis.url, prefix: loaded.config.redis.prefix },
      queue: { name: loaded.config.queue.name },
      email: { active: 'main', connectors: { main: { provider: 'outbox', config: { path: fixture.pipeline.outboxPath }, receipts: { token: TOKEN } } } },
      limits: { perRecipient: { max: 1000, windowSeconds: 60 } },
    });
    const sent = await runCli(['send', '--config', file, '--channel', 'email', '--to', 'ana@example.com', '--type', 'SignIn', '--code', '123456', '--wait-receipt', '15']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const [id, receiptLine] = sent.stdout.trim().split('\n');
    expect(receiptLine).toBe('receipt delivered');
    const status = await runCli(['status', id ?? '', '--json', '--config', file]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ id, outcome: 'delivered', receipt: 'delivered', provider: 'outbox' });
  });
});
