// OAuth as the composed engine serves it (startEngine with `oauth`): the SDK's gRPC client and the
// REST API both get in with a token from the engine's own endpoint, and not without one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startEngine, type RunningEngine } from '../../src/start.ts';

const client = { clientId: 'farm', clientSecret: 'farm-secret' };

let running: RunningEngine;
let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'engine-oauth-cache-'));
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: [client], audience: 'zeebe-api' } });
});
afterAll(async () => {
  await running.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

const grpcClient = (strategy: 'OAUTH' | 'NONE') =>
  new ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: running.grpcAddress,
      CAMUNDA_AUTH_STRATEGY: strategy,
      CAMUNDA_OAUTH_URL: `${running.restAddress}/oauth/token`,
      ZEEBE_CLIENT_ID: client.clientId,
      ZEEBE_CLIENT_SECRET: client.clientSecret,
      CAMUNDA_TOKEN_CACHE_DIR: cacheDir,
      CAMUNDA_LOG_LEVEL: 'none',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
    },
  });

describe('startEngine with OAuth', () => {
  it('lets the SDK gRPC client in with a token it fetched from the engine, and refuses it without one', async () => {
    const withToken = grpcClient('OAUTH');
    const withoutToken = grpcClient('NONE');
    try {
      await expect(withToken.topology()).resolves.toMatchObject({ clusterSize: 1 });
      await expect(withoutToken.topology()).rejects.toMatchObject({ code: 16 }); // UNAUTHENTICATED
    } finally {
      await withToken.close(1_000);
      await withoutToken.close(1_000);
    }
  });

  it('guards REST v2 with the same tokens and leaves the token endpoint open', async () => {
    const refused = await fetch(`${running.restAddress}/v2/topology`);
    expect(refused.status).toBe(401);

    const tokenResponse = await fetch(`${running.restAddress}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, audience: 'zeebe-api' }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
    const allowed = await fetch(`${running.restAddress}/v2/topology`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(allowed.status).toBe(200);

    const jwks = await fetch(`${running.restAddress}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
  });
});

describe('startEngine as a token issuer only (requireTokens: false)', () => {
  const apiClient = { clientId: 'operator-client', clientSecret: 'operator-secret', roles: ['operator'], audience: 'fulfillment-api' };
  let issuer: RunningEngine;
  beforeAll(async () => {
    issuer = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: [apiClient], requireTokens: false } });
  });
  afterAll(async () => {
    await issuer.stop();
  });

  it('serves tokens with roles and the JWKS while REST and gRPC need no token', async () => {
    expect((await fetch(`${issuer.restAddress}/v2/topology`)).status).toBe(200);
    const tokenResponse = await fetch(`${issuer.restAddress}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: apiClient.clientId, client_secret: apiClient.clientSecret }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
    const jwks = createRemoteJWKSet(new URL(`${issuer.restAddress}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(accessToken, jwks, { issuer: 'local-engine', audience: 'fulfillment-api' });
    expect(payload).toMatchObject({ sub: 'operator-client', roles: ['operator'] });
    const open = new ZeebeGrpcClient({
      config: { ZEEBE_GRPC_ADDRESS: issuer.grpcAddress, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_LOG_LEVEL: 'none', zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false } },
    });
    try {
      await expect(open.topology()).resolves.toMatchObject({ clusterSize: 1 });
    } finally {
      await open.close(1_000);
    }
  });
});
