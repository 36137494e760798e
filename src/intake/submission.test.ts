import { submitUntilAccepted, type IntakeAnswer } from './submission.ts';

const answers = (...list: (IntakeAnswer | Error)[]) => {
  const keys: string[] = [];
  const send = async (key: string): Promise<IntakeAnswer> => {
    keys.push(key);
    const next = list.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { send, keys };
};
const unavailable: IntakeAnswer = { status: 503, body: { detail: 'stored, not started yet' } };

test('a 503 and a lost answer are tried again under the same Idempotency-Key until accepted', async () => {
  const { send, keys } = answers(unavailable, new Error('socket hang up'), { status: 202, body: { orderId: 'ord-1' } });
  const retried: string[] = [];
  const r = await submitUntilAccepted(send, { idempotencyKey: 'k-1', onRetry: (answer) => retried.push(answer) });
  expect(r).toEqual({ kind: 'accepted', orderId: 'ord-1', tries: 3 });
  expect(keys).toEqual(['k-1', 'k-1', 'k-1']);
  expect(retried).toEqual(['HTTP 503 stored, not started yet', 'socket hang up']);
});

test('a 4xx other than 429 is final at once', async () => {
  const { send, keys } = answers({ status: 409, body: { title: 'Idempotency-Key reused for another order' } });
  expect(await submitUntilAccepted(send)).toEqual({ kind: 'refused', lastAnswer: 'HTTP 409 Idempotency-Key reused for another order', tries: 1 });
  expect(keys).toHaveLength(1);
});

test('gives up with the last answer once the next wait would pass the give-up time', async () => {
  const { send } = answers({ ...unavailable, retryAfterSeconds: 5 });
  expect(await submitUntilAccepted(send, { giveUpMs: 1_000 })).toEqual({ kind: 'refused', lastAnswer: 'HTTP 503 stored, not started yet', tries: 1 });
});

test('the give-up time is measured by the injected clock', async () => {
  const { send, keys } = answers(unavailable, unavailable);
  const readings = [0, 119_800];
  const clock = { now: () => new Date(readings.shift() ?? 200_000) };
  // the second reading is 0.2 s before the 2-minute default: the next wait (0.5 s) would pass it
  const r = await submitUntilAccepted(send, { idempotencyKey: 'k-2', clock });
  expect(r).toEqual({ kind: 'refused', lastAnswer: 'HTTP 503 stored, not started yet', tries: 1 });
  expect(keys).toEqual(['k-2']);
});
