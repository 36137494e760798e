// Verifies `Authorization: Bearer <jwt>` against the issuer's JWKS (fetched and cached by jose; a
// token signed by a key not in the set makes it refetch, at most every 30 s). The answer is typed:
// a refused token (401) is told apart from an issuer that cannot be reached (503): a JWKS outage
// is not the caller's fault, and must not look like one.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { principalFrom, type Principal } from './principal.ts';

export interface TokenVerifierSettings {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  readonly rolesClaim: string;
  /** epoch ms; tests move it to see a token expire */
  readonly now?: (() => number) | undefined;
  /** how long a JWKS fetch may take (default 5 s: the issuer may be busy) */
  readonly jwksTimeoutMs?: number | undefined;
  /** how long fetched keys count as fresh (default 10 min); past it they are fetched again */
  readonly jwksCacheMaxAgeMs?: number | undefined;
}

export type Verification =
  | { readonly kind: 'verified'; readonly principal: Principal }
  /** 401: the token is missing, malformed, expired, or not from the trusted issuer */
  | { readonly kind: 'refused'; readonly reason: string; readonly error: 'invalid_request' | 'invalid_token' }
  /** 503: the JWKS could not be had, so no token can be judged now */
  | { readonly kind: 'issuer-unavailable'; readonly reason: string };

export type TokenVerifier = (authorization: string | undefined) => Promise<Verification>;

const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** The JWKS could not be had (unreachable, timed out, not a key set): not the token's fault. */
class IssuerUnavailable extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * jose's remote key set, with its failures told apart: a key the set lacks (or names twice) is the
 * token's problem; anything else the lookup throws (a fetch error, a timeout, a non-200, a body
 * that is no key set) means the issuer could not be asked. Then the keys fetched before, if any,
 * still verify (stale-if-error): an issuer's outage (locally, the engine restarting) does not stop
 * the APIs for callers whose tokens it signed before.
 */
function issuerKeys(jwksUrl: string, timeoutMs: number, cacheMaxAgeMs: number): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: timeoutMs, cacheMaxAge: cacheMaxAgeMs });
  let stale: { readonly jwks: JSONWebKeySet; readonly keys: JWTVerifyGetKey } | undefined;
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) throw error;
      const known = remote.jwks();
      if (known === undefined) throw new IssuerUnavailable(error instanceof errors.JWKSTimeout ? 'the token issuer did not answer in time' : 'the token issuer’s keys could not be fetched');
      if (stale?.jwks !== known) stale = { jwks: known, keys: createLocalJWKSet(known) };
      return stale.keys(header, token);
    }
  };
}

export function createTokenVerifier(settings: TokenVerifierSettings): TokenVerifier {
  const keys = issuerKeys(settings.jwksUrl, settings.jwksTimeoutMs ?? 5_000, settings.jwksCacheMaxAgeMs ?? 600_000);
  const now = settings.now ?? Date.now;
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      return { kind: 'refused', error: 'invalid_request', reason: 'send Authorization: Bearer <token> (a token from the API token issuer)' };
    }
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (token === undefined) return { kind: 'refused', error: 'invalid_request', reason: 'the Authorization header must hold "Bearer <token>"' };
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(now()),
      });
      return { kind: 'verified', principal: principalFrom(payload, settings.rolesClaim) };
    } catch (error) {
      return judged(error);
    }
  };
}

/** Why a token was refused, or that the issuer could not be reached; the token itself is never quoted. */
function judged(error: unknown): Verification {
  if (error instanceof IssuerUnavailable) return { kind: 'issuer-unavailable', reason: error.reason };
  const refused = (reason: string): Verification => ({ kind: 'refused', error: 'invalid_token', reason });
  if (error instanceof errors.JWTExpired) return refused('the token has expired; get a new one from the token issuer');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return refused(`the token's "${error.claim}" claim ${error.reason === 'missing' ? 'is missing' : 'is not the one expected'}`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return refused('the token is not signed by a key of the trusted issuer');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return refused('the token is signed with an algorithm that is not accepted');
  // JWSInvalid, JWTInvalid, two keys for one kid, or anything jose throws at a token it cannot read
  return refused('the token is not a well-formed signed JWT');
}
