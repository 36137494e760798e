import { payloadHash } from './fingerprint.ts';
import { IdempotencyStore } from './idempotency.ts';

describe('IdempotencyStore', () => {
  it('knows a key only once it is remembered; same fingerprint replays, another one conflicts', () => {
    const store = new IdempotencyStore<string>();
    const hash = payloadHash({ a: 1, b: [1, 2] });
    expect(store.check('k', hash)).toEqual({ kind: 'new' });
    store.remember('k', hash, 'first answer');
    expect(store.check('k', hash)).toEqual({ kind: 'replay', stored: 'first answer' });
    expect(store.check('k', payloadHash({ a: 2, b: [1, 2] }))).toEqual({ kind: 'conflict', stored: 'first answer' });
    store.clear();
    expect(store.check('k', hash)).toEqual({ kind: 'new' });
  });

  it('treats bodies that differ only in field order as the same request', () => {
    expect(payloadHash({ a: 1, b: { c: 2, d: 3 } })).toBe(payloadHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(payloadHash({ a: 1 })).not.toBe(payloadHash({ a: '1' }));
  });
});
