import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Auth } from '@camunda8/sdk';
import { createCamundaClient } from '@camunda8/orchestration-cluster-api';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { EngineError } from '../../src/api.ts';
import { createOAuth } from '../../src/auth/oauth.ts';
import type { OAuth, OAuthOptions } from '../../src/auth/oauth.ts';

const client = { clientId: 'farm', clientSecret: 's3cret-value' };
const issuer = 'http://127.0.0.1/engine';
const audience = 'zeebe-api';

async function appWith(oauth: OAuth): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  oauth.registerRoutes(app);
  await app.ready();
  return app;
}

async function requestToken(app: FastifyInstance, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown>, raw: response.body, headers: response.headers };
}

const credentials = { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, audience };

const refusal = async (attempt: Promise<void>): Promise<string> => {
  const error: unknown = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe('UNAUTHENTICATED');
  return (error as EngineError).message;
};

describe('OAuth token endpoint and bearer verification', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const options: OAuthOptions = { clients: [client], issuer, audience, tokenTtlSeconds: 300, now: () => now };
  let oauth: OAuth;
  let app: FastifyInstance;
  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    oauth = createOAuth(options);
    app = await appWith(oauth);
  });
  afterEach(async () => {
    await app.close();
  });

  it('issues a signed JWT for known client credentials and accepts it as a bearer token', async () => {
    const { status, body, headers } = await requestToken(app, credentials);
    expect(status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 });
    expect(headers['cache-control']).toBe('no-store');
    const claims = decodeJwt(String(body.access_token));
    expect(claims).toMatchObject({ iss: issuer, aud: audience, sub: 'farm', client_id: 'farm', exp: now / 1000 + 300 });
    await expect(oauth.authenticate(`Bearer ${String(body.access_token)}`)).resolves.toBeUndefined();
  });

  it("puts an API client's roles in a roles claim and its own audience in aud; the engine's guard refuses that audience", async () => {
    const apiClient = { clientId: 'intake-client', clientSecret: 'intake-secret', roles: ['intake'], audience: 'fulfillment-api' };
    const withApiClient = createOAuth({ ...options, clients: [client, apiClient] });
    const apiApp = await appWith(withApiClient);
    try {
      const { status, body } = await requestToken(apiApp, { grant_type: 'client_credentials', client_id: apiClient.clientId, client_secret: apiClient.clientSecret });
      expect(status).toBe(200);
      expect(decodeJwt(String(body.access_token))).toMatchObject({ sub: 'intake-client', client_id: 'intake-client', roles: ['intake'], aud: 'fulfillment-api' });
      expect(await refusal(withApiClient.authenticate(`Bearer ${String(body.access_token)}`))).toMatch(/"aud" claim/);
      // with no audience checked by the engine, the API client's token is still not one for the engine
      const unchecked = createOAuth({ ...options, audience: undefined, clients: [client, apiClient] });
      const uncheckedApp = await appWith(unchecked);
      const apiToken = await requestToken(uncheckedApp, { grant_type: 'client_credentials', client_id: apiClient.clientId, client_secret: apiClient.clientSecret });
      expect(await refusal(unchecked.authenticate(`Bearer ${String(apiToken.body.access_token)}`))).toMatch(/issued for another API \(audience fulfillment-api\)/);
      const farmUnchecked = await requestToken(uncheckedApp, credentials);
      await expect(unchecked.authenticate(`Bearer ${String(farmUnchecked.body.access_token)}`)).resolves.toBeUndefined();
      await uncheckedApp.close();
      const farmToken = await requestToken(apiApp, credentials);
      expect(decodeJwt(String(farmToken.body.access_token)).roles).toBeUndefined();
    } finally {
      await apiApp.close();
    }
  });

  it('takes the credentials from an HTTP Basic header too', async () => {
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const { status, body } = await requestToken(app, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(status).toBe(200);
    await expect(oauth.authenticate(`Bearer ${String(body.access_token)}`)).resolves.toBeUndefined();
  });

  it('refuses a wrong secret or an unknown client with 401 invalid_client, without echoing the secret', async () => {
    for (const fields of [{ ...credentials, client_secret: 'wrong-secret' }, { ...credentials, client_id: 'stranger' }]) {
      const { status, body, raw } = await requestToken(app, fields);
      expect(status).toBe(401);
      expect(body).toEqual({ error: 'invalid_client', error_description: expect.stringContaining('Client authentication failed') });
      expect(raw).not.toContain('wrong-secret');
      expect(raw).not.toContain(client.clientSecret);
    }
  });

  it('refuses other grant types and requests without credentials', async () => {
    expect(await requestToken(app, { ...credentials, grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    expect(await requestToken(app, { client_id: 'farm' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await requestToken(app, { grant_type: 'client_credentials' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses a token once it expired', async () => {
    const { body } = await requestToken(app, credentials);
    now += 299_000;
    await expect(oauth.authenticate(`Bearer ${String(body.access_token)}`)).resolves.toBeUndefined();
    now += 2_000;
    expect(await refusal(oauth.authenticate(`Bearer ${String(body.access_token)}`))).toMatch(/expired at 2026-01-01T00:05:00.000Z/);
  });

  it('refuses a tampered token, one signed by another key, and one for another audience', async () => {
    const { body } = await requestToken(app, credentials);
    const [header, , signature] = String(body.access_token).split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(String(body.access_token)), sub: 'admin' })).toString('base64url');
    expect(await refusal(oauth.authenticate(`Bearer ${header}.${forged}.${signature}`))).toMatch(/signature does not verify/);

    const otherEngine = createOAuth(options);
    const otherApp = await appWith(otherEngine);
    const foreign = await requestToken(otherApp, credentials);
    await otherApp.close();
    expect(await refusal(oauth.authenticate(`Bearer ${String(foreign.body.access_token)}`))).toMatch(/signature does not verify/);

    const dir = await mkdtemp(path.join(tmpdir(), 'engine-oauth-'));
    try {
      const signingKeyFile = path.join(dir, 'signing-key.pem');
      const issuing = createOAuth({ ...options, signingKeyFile, audience: 'operate-api' });
      const issuingApp = await appWith(issuing);
      const forOperate = await requestToken(issuingApp, credentials);
      await issuingApp.close();
      const verifying = createOAuth({ ...options, signingKeyFile });
      expect(await refusal(verifying.authenticate(`Bearer ${String(forOperate.body.access_token)}`))).toMatch(/"aud" claim/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with a missing header, another scheme or garbage', async () => {
    expect(await refusal(oauth.authenticate(undefined))).toMatch(/none was given/);
    expect(await refusal(oauth.authenticate('Basic ZmFybTpzM2NyZXQ='))).toMatch(/another scheme/);
    expect(await refusal(oauth.authenticate('Bearer not-a-jwt'))).toMatch(/not a well-formed signed JWT/);
  });

  it('publishes the public key as a JWKS that verifies its tokens', async () => {
    const { body } = await requestToken(app, credentials);
    const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: [{ d?: string; kid: string }] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0].d).toBeUndefined();
    const verified = await jwtVerify(String(body.access_token), createLocalJWKSet(jwks), { issuer, audience, currentDate: new Date(now) });
    expect(verified.protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.keys[0].kid });
  });

  it('keeps accepting its tokens after a restart when the signing key is kept in a file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'engine-oauth-'));
    try {
      const signingKeyFile = path.join(dir, 'signing-key.pem');
      const before = createOAuth({ ...options, signingKeyFile });
      const beforeApp = await appWith(before);
      const { body } = await requestToken(beforeApp, credentials);
      await beforeApp.close();
      const after = createOAuth({ ...options, signingKeyFile });
      await expect(after.authenticate(`Bearer ${String(body.access_token)}`)).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the SDK clients against the token endpoint', () => {
  let app: FastifyInstance;
  let oauth: OAuth;
  let base: string;
  const bearerSeen: string[] = [];
  beforeAll(async () => {
    oauth = createOAuth({ clients: [client], issuer, audience });
    app = Fastify({ logger: false });
    oauth.registerRoutes(app);
    // a stand-in for a guarded REST v2 route
    app.get('/v2/topology', async (request, reply) => {
      try {
        await oauth.authenticate(request.headers.authorization);
      } catch (error) {
        return reply.code(401).send({ title: 'UNAUTHENTICATED', detail: (error as Error).message });
      }
      bearerSeen.push(String(request.headers.authorization));
      return { brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.9.0', lastCompletedChangeId: '-1' };
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
  });

  it("the gRPC SDK's OAuthProvider obtains a token the engine accepts", async () => {
    const provider = new Auth.OAuthProvider({
      config: {
        CAMUNDA_AUTH_STRATEGY: 'OAUTH',
        CAMUNDA_OAUTH_URL: `${base}/oauth/token`,
        ZEEBE_CLIENT_ID: client.clientId,
        ZEEBE_CLIENT_SECRET: client.clientSecret,
        CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
        CAMUNDA_LOG_LEVEL: 'none',
      },
    });
    const headers = await provider.getHeaders('ZEEBE');
    await expect(oauth.authenticate(headers.authorization)).resolves.toBeUndefined();
  });

  it("the gRPC SDK's OAuthProvider is refused with a wrong secret", async () => {
    const provider = new Auth.OAuthProvider({
      config: {
        CAMUNDA_AUTH_STRATEGY: 'OAUTH',
        CAMUNDA_OAUTH_URL: `${base}/oauth/token`,
        ZEEBE_CLIENT_ID: client.clientId,
        ZEEBE_CLIENT_SECRET: 'not-the-secret',
        CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
        CAMUNDA_OAUTH_FAIL_ON_ERROR: true,
        CAMUNDA_LOG_LEVEL: 'none',
      },
    });
    await expect(provider.getHeaders('ZEEBE')).rejects.toThrow(/401/);
  });

  it('the REST client (orchestration-cluster-api) fetches a token and calls with it', async () => {
    const camunda = createCamundaClient({
      env: {
        CAMUNDA_REST_ADDRESS: base,
        CAMUNDA_AUTH_STRATEGY: 'OAUTH',
        CAMUNDA_OAUTH_URL: `${base}/oauth/token`,
        CAMUNDA_CLIENT_ID: client.clientId,
        CAMUNDA_CLIENT_SECRET: client.clientSecret,
        CAMUNDA_TOKEN_AUDIENCE: audience,
        CAMUNDA_SDK_LOG_LEVEL: 'silent',
      },
    });
    await camunda.getTopology().catch(() => undefined);
    expect(bearerSeen).toEqual([expect.stringMatching(/^Bearer ey/)]);
  });
});
