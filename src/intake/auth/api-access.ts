// The intake's API access settings from configuration: bearer tokens checked against the issuer's
// JWKS (or not at all with API_AUTH=off, development only) and the per-client rate limit of POST /orders.
import type { Config } from '../../platform/config.ts';
import type { ApiAuthentication } from './api-auth-hook.ts';
import type { IntakeRateLimit } from './intake-rate-limit.ts';
import { createTokenVerifier } from './token-verifier.ts';

export interface ApiAccess {
  readonly auth: ApiAuthentication;
  readonly rateLimit: IntakeRateLimit;
}

export type ApiAccessConfig = Pick<
  Config,
  'API_AUTH' | 'API_JWKS_URL' | 'API_TOKEN_ISSUER' | 'API_TOKEN_AUDIENCE' | 'API_ROLES_CLAIM' | 'INTAKE_RATE_LIMIT_PER_SECOND' | 'INTAKE_RATE_LIMIT_BURST'
>;

export function apiAccess(config: ApiAccessConfig, options: { readonly now?: () => number } = {}): ApiAccess {
  const auth: ApiAuthentication =
    config.API_AUTH === 'off'
      ? { mode: 'off' }
      : {
          mode: 'jwt',
          verify: createTokenVerifier({ jwksUrl: config.API_JWKS_URL, issuer: config.API_TOKEN_ISSUER, audience: config.API_TOKEN_AUDIENCE, rolesClaim: config.API_ROLES_CLAIM, now: options.now }),
        };
  return { auth, rateLimit: { perSecond: config.INTAKE_RATE_LIMIT_PER_SECOND, burst: config.INTAKE_RATE_LIMIT_BURST } };
}
