// Signed payloads: HMAC-SHA256 over "<timestamp>.<raw body bytes>", sent as a unix-seconds
// timestamp and a signature list "v1=<hex>[,v1=<hex>…]" (a signer rotating its secret may send one
// per secret). Verification accepts any of our secrets (rotation: old and new valid at once) and
// only a timestamp within the tolerance of our clock, either way (the replay window). Which headers
// carry the two values is the caller's vocabulary; this is only the mechanics.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PayloadSignature {
  /** unix seconds, as text */
  readonly timestamp: string;
  /** "v1=<hex>" */
  readonly signature: string;
}

export interface SignedPayload {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** the body exactly as received: its bytes are what was signed */
  readonly body: Uint8Array | string;
}

export interface SignaturePolicy {
  /** every one verifies; none is ever echoed */
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly now: Date;
}

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

export type SignatureVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure; readonly detail: string };

const SCHEME = 'v1';
const TIMESTAMP = /^\d{1,12}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/i;
/** a rotating signer sends one per secret; more is not a signature list but noise */
const MAX_SIGNATURES = 8;

const mac = (secret: string, timestamp: string, body: Uint8Array | string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** Signs `body` with `secret` at `timestampSeconds`. */
export function signPayload(body: Uint8Array | string, secret: string, timestampSeconds: number): PayloadSignature {
  const timestamp = String(Math.floor(timestampSeconds));
  return { timestamp, signature: `${SCHEME}=${mac(secret, timestamp, body).toString('hex')}` };
}

/** Checks a signed payload; says why when it fails, never with a secret or the signature value. */
export function verifyPayloadSignature(payload: SignedPayload, policy: SignaturePolicy): SignatureVerdict {
  const { timestamp, signature } = payload;
  if (timestamp === undefined || timestamp === '' || signature === undefined || signature === '') {
    return { ok: false, reason: 'missing', detail: 'the signature timestamp or the signature is missing' };
  }
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed', detail: 'the signature timestamp is not unix seconds' };
  const candidates = signatureCandidates(signature);
  if (candidates === undefined) return { ok: false, reason: 'malformed', detail: `the signature is not a list of ${SCHEME}=<64 hex digits>` };
  const skew = Number(timestamp) - Math.floor(policy.now.getTime() / 1000);
  if (Math.abs(skew) > policy.toleranceSeconds) {
    return { ok: false, reason: 'stale', detail: `the signature timestamp is ${Math.abs(skew)} s ${skew < 0 ? 'old' : 'in the future'}; at most ${policy.toleranceSeconds} s is accepted` };
  }
  for (const secret of policy.secrets) {
    const expected = mac(secret, timestamp, payload.body);
    // every candidate is compared in constant time; which secret matched is nobody's business
    if (candidates.some((candidate) => timingSafeEqual(candidate, expected))) return { ok: true };
  }
  return { ok: false, reason: 'mismatch', detail: 'no signature matches the body and timestamp' };
}

/** The v1 signatures of a list ("v1=<hex>,v1=<hex>"; other schemes are skipped), or undefined when it is malformed. */
function signatureCandidates(header: string): Buffer[] | undefined {
  const entries = header.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0 || entries.length > MAX_SIGNATURES) return undefined;
  const candidates: Buffer[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    if (entry.slice(0, eq).trim() !== SCHEME) continue;
    const hex = entry.slice(eq + 1).trim();
    if (!HEX_SHA256.test(hex)) return undefined;
    candidates.push(Buffer.from(hex, 'hex'));
  }
  return candidates.length ? candidates : undefined;
}
