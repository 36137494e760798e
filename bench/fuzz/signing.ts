// How the provisioning provider signs a callback or a result event (the contract the simulators
// follow): X-Signature-Timestamp (unix seconds) and X-Signature "v1=<hex HMAC-SHA256 of
// '<timestamp>.<body>'>". The fuzz signs some inputs correctly — so they reach the contract check —
// and spoils the rest in every way a signature can be wrong.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';

export type SignatureCase =
  | { readonly kind: 'valid' }
  | { readonly kind: 'missing'; readonly which: 'both' | 'timestamp' | 'signature' }
  | { readonly kind: 'stale'; readonly skewS: number }
  | { readonly kind: 'wrong-secret' }
  | { readonly kind: 'other-body' }
  | { readonly kind: 'malformed'; readonly timestamp: string; readonly signature: string };

const hmac = (secret: string | Buffer, timestamp: string, body: string | Buffer) => createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/** The signature headers for the case (empty when none are sent). */
export function signatureHeaders(c: SignatureCase, body: string | Buffer, secret: string, toleranceS: number): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const signed = (ts: number, key: string | Buffer, over: string | Buffer = body) => ({ 'x-signature-timestamp': String(ts), 'x-signature': `v1=${hmac(key, String(ts), over)}` });
  switch (c.kind) {
    case 'valid':
      return signed(now, secret);
    case 'missing': {
      const all = signed(now, secret);
      if (c.which === 'both') return {};
      return c.which === 'timestamp' ? { 'x-signature': all['x-signature'] } : { 'x-signature-timestamp': all['x-signature-timestamp'] };
    }
    case 'stale':
      return signed(now + Math.sign(c.skewS) * (toleranceS + Math.abs(c.skewS)), secret);
    case 'wrong-secret':
      return signed(now, randomBytes(24));
    case 'other-body':
      return signed(now, secret, `${typeof body === 'string' ? body : body.toString('utf8')} `);
    case 'malformed':
      return { 'x-signature-timestamp': c.timestamp, 'x-signature': c.signature };
  }
}

export const signatureCase: fc.Arbitrary<SignatureCase> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'valid' } as const) },
  { weight: 1, arbitrary: fc.constantFrom('both', 'timestamp', 'signature').map((which) => ({ kind: 'missing', which }) as const) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -100_000, max: -1 })).map((skewS) => ({ kind: 'stale', skewS }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrong-secret' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'other-body' } as const) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        timestamp: fc.oneof(fc.constantFrom('', '-1', '1e9', '99999999999999', 'now', ' 1'), fc.nat().map(String), fc.string({ maxLength: 20 })),
        signature: fc.oneof(fc.constantFrom('', 'v1=', 'v1=zz', 'v2=00', `v1=${'0'.repeat(64)}`, Array.from({ length: 9 }, () => `v1=${'a'.repeat(64)}`).join(',')), fc.string({ maxLength: 80 })),
      })
      .filter((m) => /^[\t\x20-\x7e]*$/.test(m.timestamp + m.signature))
      .map((m) => ({ kind: 'malformed', ...m }) as const),
  },
);
