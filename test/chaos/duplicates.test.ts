import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { duplicateCauses, type Kill } from '../../chaos/lib/duplicates.js';
import { duplicatesAfterIdDedupe, startSink, type Sink, type Taken } from '../../chaos/lib/sink.js';
import { eventually } from '../helpers/pipeline.js';

/** The chaos harness's own bookkeeping: how duplicates are attributed, and the sink's commit points. */
const sent = (code: string, worker: string, takenAt: number, answeredAt?: number, webhookId?: string): Taken => ({
  code,
  worker,
  arrivedAt: takenAt,
  takenAt,
  ...(answeredAt !== undefined && { answeredAt }),
  ...(webhookId !== undefined && { webhookId }),
});

describe('duplicate attribution', () => {
  it('splits resends by where the kill of the first sender fell', () => {
    const kills: Kill[] = [
      { worker: 'w1', at: 120 },
      { worker: 'w4', at: 112 },
      { worker: 'w5', at: 5000 },
    ];
    const taken = [
      // w1 died while the vendor was processing (answered at 130, after the kill at 120).
      sent('A', 'w1', 100, 130),
      sent('A', 'w2', 2200, 2210),
      // w4 died 2 ms after the vendor's answer: the worker's own window.
      sent('B', 'w4', 100, 110),
      sent('B', 'w2', 2300, 2310),
      // w3 was never killed: sent twice by live workers.
      sent('C', 'w3', 100, 110),
      sent('C', 'w2', 3000, 3010),
      // w5's kill comes after the resend: it cannot explain it.
      sent('D', 'w5', 100, 110),
      sent('D', 'w2', 200, 210),
      // Sent once: no duplicate.
      sent('E', 'w1', 100, 110),
    ];
    expect(duplicateCauses(taken, kills)).toEqual({ vendorWindow: 1, afterAnswer: 1, withoutKill: 2, afterAnswerMaxGapMs: 2 });
  });

  it('counts a send the vendor never answered as the vendor window, and every resend of a code', () => {
    const kills: Kill[] = [
      { worker: 'w1', at: 150 },
      { worker: 'w2', at: 2250 },
    ];
    const taken = [sent('A', 'w2', 2200), sent('A', 'w1', 100), sent('A', 'w3', 4000, 4010)];
    expect(duplicateCauses(taken, kills)).toMatchObject({ vendorWindow: 2, afterAnswer: 0, withoutKill: 0 });
  });

  it('lets a webhook-id receiver drop resends of the same id, not different messages with the same code', () => {
    expect(duplicatesAfterIdDedupe([sent('A', 'w1', 1, 2, 'm1'), sent('A', 'w2', 3, 4, 'm1'), sent('A', 'w2', 5, 6, 'm1')])).toBe(0);
    expect(duplicatesAfterIdDedupe([sent('A', 'w1', 1, 2), sent('A', 'w2', 3, 4)])).toBe(1);
    expect(duplicatesAfterIdDedupe([sent('A', 'w1', 1, 2, 'm1'), sent('A', 'w2', 3, 4, 'm2')])).toBe(1);
  });
});

describe('chaos sink commit points', () => {
  let sink: Sink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  const post = (url: string, code: string) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `msg_${code}` } });
    req.on('error', () => {});
    req.end(JSON.stringify({ to: '+14155550123', type: 'SignIn', payload: { code } }));
    return req;
  };

  it('on-answer: a request whose caller hung up during processing is dropped, one that waited is taken', async () => {
    sink = await startSink({ delayMs: [150, 150], commit: 'on-answer' });
    const s = sink;
    const gone = post(`${s.url}/w1`, '111');
    await eventually(() => s.stats.requests === 1);
    expect(s.inProcessing('w1')).toBe(1);
    gone.destroy();
    const answered = new Promise<number | undefined>((resolve) => post(`${s.url}/w2`, '222').on('response', (res) => resolve(res.statusCode)));
    expect(await answered).toBe(200);
    await eventually(() => s.stats.abandoned === 1);
    expect([...s.stats.accepted.keys()]).toEqual(['222']);
    expect(s.stats.taken[0]).toMatchObject({ code: '222', worker: 'w2', webhookId: 'msg_222' });
  });

  it('on-arrival: the message is taken as soon as the body is in, even if the caller then hangs up', async () => {
    sink = await startSink({ delayMs: [150, 150], commit: 'on-arrival' });
    const s = sink;
    const req = post(`${s.url}/w1`, '444');
    await eventually(() => s.stats.accepted.has('444'));
    req.destroy();
    expect(s.stats.taken.find((t) => t.code === '444')?.answeredAt).toBeUndefined();
    await eventually(() => s.stats.taken.every((t) => t.answeredAt !== undefined));
    expect(s.stats.abandoned).toBe(0);
  });
});
