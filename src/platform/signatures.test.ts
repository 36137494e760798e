import { signPayload, verifyPayloadSignature, type SignaturePolicy } from './signatures.ts';

const OLD = 'old-secret-0123456789';
const NEW = 'new-secret-9876543210';
const now = new Date('2026-12-04T12:00:00Z');
const nowS = now.getTime() / 1000;
const policy: SignaturePolicy = { secrets: [NEW, OLD], toleranceSeconds: 300, now };
const body = Buffer.from('{"provTxnRef":"PTX-1","status":"DONE"}');

const signed = (secret: string, at = nowS, payload: Uint8Array | string = body) => ({ ...signPayload(payload, secret, at), body });

describe('provider signatures (HMAC-SHA256 over "<timestamp>.<body>")', () => {
  test('a body signed with either secret of a rotation pair verifies', () => {
    expect(verifyPayloadSignature(signed(NEW), policy)).toEqual({ ok: true });
    expect(verifyPayloadSignature(signed(OLD), policy)).toEqual({ ok: true });
  });

  test('the signature is v1=<hex of HMAC-SHA256("<t>.<body>")>, the same for a string and its bytes', () => {
    const s = signPayload(body, NEW, nowS);
    expect(s.timestamp).toBe(String(nowS));
    expect(s.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(signPayload(body.toString('utf8'), NEW, nowS)).toEqual(s);
  });

  test('a list of signatures (the signer rotating) verifies when any one matches', () => {
    const good = signPayload(body, OLD, nowS);
    const other = signPayload(body, 'a-secret-we-do-not-have', nowS);
    expect(verifyPayloadSignature({ body, timestamp: good.timestamp, signature: `${other.signature}, ${good.signature}` }, policy)).toEqual({ ok: true });
    expect(verifyPayloadSignature({ body, timestamp: good.timestamp, signature: `v0=abc,${good.signature}` }, policy)).toEqual({ ok: true });
  });

  test('a tampered body, a changed timestamp or an unknown secret is a mismatch', () => {
    const s = signed(NEW);
    expect(verifyPayloadSignature({ ...s, body: Buffer.from('{"provTxnRef":"PTX-1","status":"ERR"}') }, policy)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyPayloadSignature({ ...s, timestamp: String(nowS - 1) }, policy)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(verifyPayloadSignature(signed('a-secret-we-do-not-have'), policy)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  test('outside the replay window, old or in the future, is stale; at its edge it is not', () => {
    expect(verifyPayloadSignature(signed(NEW, nowS - 301), policy)).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyPayloadSignature(signed(NEW, nowS + 301), policy)).toMatchObject({ ok: false, reason: 'stale', detail: expect.stringContaining('future') });
    expect(verifyPayloadSignature(signed(NEW, nowS - 300), policy)).toEqual({ ok: true });
    expect(verifyPayloadSignature(signed(NEW, nowS + 300), policy)).toEqual({ ok: true });
  });

  test('a missing timestamp or signature is missing', () => {
    const s = signed(NEW);
    expect(verifyPayloadSignature({ ...s, timestamp: undefined }, policy)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyPayloadSignature({ ...s, signature: undefined }, policy)).toMatchObject({ ok: false, reason: 'missing' });
    expect(verifyPayloadSignature({ ...s, signature: '' }, policy)).toMatchObject({ ok: false, reason: 'missing' });
  });

  test.each([
    ['a timestamp that is not unix seconds', { timestamp: '2026-12-04T12:00:00Z' }],
    ['a negative timestamp', { timestamp: '-1' }],
    ['a signature without its scheme', { signature: 'deadbeef' }],
    ['a v1 signature that is not 64 hex digits', { signature: 'v1=xyz' }],
    ['only other schemes', { signature: 'v0=abc' }],
    ['more signatures than a rotation needs', { signature: Array.from({ length: 9 }, () => `v1=${'0'.repeat(64)}`).join(',') }],
  ])('%s is malformed', (_name, change) => {
    expect(verifyPayloadSignature({ ...signed(NEW), ...change }, policy)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  test('no failure names a secret or the expected signature', () => {
    const s = signed('a-secret-we-do-not-have');
    const verdict = verifyPayloadSignature(s, policy);
    const expected = signPayload(body, NEW, nowS).signature.slice(3);
    expect(JSON.stringify(verdict)).not.toContain(NEW);
    expect(JSON.stringify(verdict)).not.toContain(OLD);
    expect(JSON.stringify(verdict)).not.toContain(expected);
  });
});
