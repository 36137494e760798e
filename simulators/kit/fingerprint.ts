// One canonical hash of a request's payload, shared by the idempotency store (same body or not?)
// and the side-effect recorder (payloadHash), so both agree on what "the same request" means.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** JSON with sorted keys (RFC 8785), so field order never makes two equal payloads differ. */
export function canonicalJson(value: unknown): string {
  return canonicalize(value) ?? 'null';
}

export function payloadHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
