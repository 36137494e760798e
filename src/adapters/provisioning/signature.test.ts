import { signProvisioningPayload, verifyProvisioningResultMessage, verifyProvisioningSignature, type ProvisioningSigning } from './signature.ts';

const SECRET = 'provider-secret-0123456789';
const now = new Date('2026-12-04T12:00:00Z');
const signing: ProvisioningSigning = { secrets: ['next-secret-0123456789', SECRET], toleranceSeconds: 300, clock: { now: () => now } };
const body = '{"provTxnRef":"PTX-1","status":"DONE"}';

describe("the provisioning provider's signature headers", () => {
  test('signProvisioningPayload gives the two headers the provider sends', () => {
    const headers = signProvisioningPayload(body, SECRET, now);
    expect(Object.keys(headers).sort()).toEqual(['X-Signature', 'X-Signature-Timestamp']);
    expect(headers['X-Signature-Timestamp']).toBe(String(now.getTime() / 1000));
  });

  test('HTTP headers (lower-cased by node) and Kafka headers (as sent) both verify', () => {
    const headers = signProvisioningPayload(body, SECRET, now);
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyProvisioningSignature(lower, Buffer.from(body), signing)).toEqual({ ok: true });
    expect(verifyProvisioningResultMessage(signing)({ value: body, headers })).toEqual({ ok: true });
  });

  test('the clock decides staleness', () => {
    const headers = signProvisioningPayload(body, SECRET, new Date(now.getTime() - 301_000));
    expect(verifyProvisioningSignature(headers, body, signing)).toMatchObject({ ok: false, reason: 'stale' });
  });

  test('on Kafka the window is measured from when the record was written, so a lagging consumer keeps good results', () => {
    const signedAt = new Date(now.getTime() - 3_600_000); // read an hour after it was produced
    const headers = signProvisioningPayload(body, SECRET, signedAt);
    expect(verifyProvisioningResultMessage(signing)({ value: body, headers, timestamp: signedAt.getTime() + 2_000 })).toEqual({ ok: true });
    // written now with a signature of an hour ago: a replay, refused
    expect(verifyProvisioningResultMessage(signing)({ value: body, headers, timestamp: now.getTime() })).toMatchObject({ ok: false, reason: 'stale' });
  });

  test('a message without headers is missing its signature', () => {
    expect(verifyProvisioningResultMessage(signing)({ value: body })).toMatchObject({ ok: false, reason: 'missing' });
  });
});
