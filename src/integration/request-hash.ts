// The request hash of the ledger (seed 000 §5.1): same idempotency key + same hash = replay,
// different hash = conflict. JSON canonicalization (RFC 8785) makes the hash independent of key
// order and number formatting, so a re-built command hashes the same.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function requestHash(request: unknown): string {
  const canonical = canonicalize(request ?? null);
  if (canonical === undefined) throw new TypeError('request is not JSON-serialisable');
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
