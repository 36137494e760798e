// The farm's own gRPC channel (job streams and their backup polls) carries the OAuth bearer token
// when CAMUNDA_AUTH_STRATEGY=OAUTH: a client-credentials token endpoint and a gateway that records
// the metadata of each call, both local and fake.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SignJWT } from 'jose';
import { activateJobsNow } from '../worker-runtime/job-stream.ts';
import { connectGateway } from './gateway-client.ts';
import { loadConfig } from './config.ts';
import { gatewayHeaders } from './gateway-auth.ts';

const tokenRequests: string[] = [];
const seenAuthorization: (string | undefined)[] = [];
let tokenServer: Server;
let gateway: grpc.Server;
let gatewayPort: number;
let accessToken: string;

function loadGatewayService(): grpc.ServiceDefinition {
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } };
  return proto.gateway_protocol.Gateway.service;
}

beforeAll(async () => {
  accessToken = await new SignJWT({ scope: 'zeebe' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('test-signing-key-of-32-bytes!!!!'));
  tokenServer = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      tokenRequests.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: 'zeebe' }));
    });
  });
  tokenServer.listen(0, '127.0.0.1');
  await once(tokenServer, 'listening');

  gateway = new grpc.Server();
  gateway.addService(loadGatewayService(), {
    ActivateJobs: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      seenAuthorization.push(call.metadata.get('authorization')[0]?.toString());
      call.write({ jobs: [] });
      call.end();
    },
  });
  gatewayPort = await new Promise<number>((resolve, reject) => gateway.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
});

afterAll(async () => {
  gateway.forceShutdown();
  tokenServer.close();
});

const poll = (metadata: ReturnType<typeof gatewayHeaders>) => {
  const connection = connectGateway(`127.0.0.1:${gatewayPort}`, { tls: false, metadata });
  return activateJobsNow(connection, { type: 'any', worker: 'auth-test', timeoutMs: 1_000, max: 1, tenantIds: ['<default>'] }).finally(() => connection.close());
};

test('with OAUTH, every call of the farm channel carries the bearer token from the token endpoint', async () => {
  const config = loadConfig({
    CAMUNDA_AUTH_STRATEGY: 'OAUTH',
    CAMUNDA_OAUTH_URL: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/oauth/token`,
    ZEEBE_CLIENT_ID: 'farm',
    ZEEBE_CLIENT_SECRET: 'farm-secret',
    ZEEBE_TOKEN_AUDIENCE: 'zeebe-api',
  });
  const headers = gatewayHeaders(config);
  expect(headers).toBeDefined();
  await poll(headers);
  await poll(headers);
  expect(seenAuthorization.slice(-2)).toEqual([`Bearer ${accessToken}`, `Bearer ${accessToken}`]);
  // client credentials grant with the configured client and audience; the token is cached, not fetched per call
  expect(tokenRequests).toHaveLength(1);
  const grant = new URLSearchParams(tokenRequests[0]);
  expect(Object.fromEntries(grant)).toMatchObject({ grant_type: 'client_credentials', client_id: 'farm', client_secret: 'farm-secret', audience: 'zeebe-api' });
});

test('with NONE (the local engine), the channel sends no authorization', async () => {
  expect(gatewayHeaders(loadConfig({}))).toBeUndefined();
  await poll(undefined);
  expect(seenAuthorization.at(-1)).toBeUndefined();
});
