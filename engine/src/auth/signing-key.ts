// The key the token endpoint signs with: an ES256 (P-256) pair generated at start. Kept in a key
// file when one is given (the engine's data directory): the SDK caches tokens, in memory and on
// disk, until they expire and does not drop them when refused, so a restarted engine must still
// accept the tokens it issued before its restart.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';

export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  /** the RFC 7638 thumbprint of the public key: the same across restarts with the same key */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** the public half as published at /.well-known/jwks.json */
  readonly publicJwk: JWK;
}

/** Reads the PKCS#8 PEM key in `keyFile`, or generates one (and writes it there, owner-only, when a file is given). */
export function loadOrCreateSigningKey(keyFile?: string): SigningKey {
  if (keyFile !== undefined && existsSync(keyFile)) return signingKeyOf(createPrivateKey(readFileSync(keyFile)));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  if (keyFile !== undefined) writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return signingKeyOf(privateKey);
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  if (kty !== 'EC' || crv !== 'P-256') throw new Error(`Expected a P-256 EC signing key, but the key is ${kty} ${crv ?? ''}`);
  // RFC 7638: the required members in lexicographic order, no whitespace
  const keyId = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return { keyId, privateKey, publicKey, publicJwk: { crv, kty, x, y, kid: keyId, alg: SIGNING_ALGORITHM, use: 'sig' } };
}
