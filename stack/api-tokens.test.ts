// The stack's engine issues each development API client a token the intake will accept: signed by
// the key behind API_JWKS_URL, issuer API_TOKEN_ISSUER, audience API_TOKEN_AUDIENCE, its role in roles.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { loadConfig } from '../src/platform/config.ts';
import { apiToken } from './api-tokens.ts';
import { API_ROLES } from './settings.ts';

const config = loadConfig(process.env);
const jwks = createRemoteJWKSet(new URL(config.API_JWKS_URL));

test.each(API_ROLES)('a %s token verifies against the configured JWKS and carries its role', async (role) => {
  const { payload } = await jwtVerify(await apiToken(role), jwks, { issuer: config.API_TOKEN_ISSUER, audience: config.API_TOKEN_AUDIENCE, requiredClaims: ['exp'] });
  expect(payload).toMatchObject({ sub: `dev-${role}-client`, roles: [role] });
});

test('a token is cached until near its expiry', async () => {
  expect(await apiToken('intake')).toBe(await apiToken('intake'));
});
