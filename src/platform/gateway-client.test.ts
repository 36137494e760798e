// The process's one gateway channel against a local fake gateway: commands go uncompressed (the
// SDK's client gzipped them), carry the auth headers, give up at their deadline when the gateway
// hangs, and retry a transient refusal.
import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { connectGateway, connectGatewayAt } from './gateway-client.ts';

interface Seen {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly request: Record<string, unknown>;
}

const seen: Seen[] = [];
/** CompleteJob answers like this for the next calls (then OK) */
const completeAnswers: ('hang' | 'unavailable')[] = [];
let server: grpc.Server;
let port: number;

function gatewayService(): grpc.ServiceDefinition {
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  return (grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } }).gateway_protocol.Gateway.service;
}

const record = (method: string, call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>) =>
  seen.push({ method, authorization: call.metadata.get('authorization')[0]?.toString(), request: call.request });

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(gatewayService(), {
    CompleteJob: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      record('CompleteJob', call);
      const answer = completeAnswers.shift();
      if (answer === 'hang') return;
      if (answer === 'unavailable') return callback({ code: grpc.status.UNAVAILABLE, details: 'gateway restarting' });
      callback(null, {});
    },
    PublishMessage: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      record('PublishMessage', call);
      callback(null, { key: '1', tenantId: '<default>' });
    },
    Topology: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      record('Topology', call);
      callback(null, { brokers: [{ nodeId: 0 }], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: 'fake' });
    },
  });
  port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
});

afterAll(() => server.forceShutdown());
beforeEach(() => {
  seen.length = 0;
  completeAnswers.length = 0;
});

test('commands carry the auth headers and their requests as the gateway protocol has them', async () => {
  const gateway = connectGateway(`127.0.0.1:${port}`, { tls: false, metadata: async () => ({ authorization: 'Bearer t0ken' }) });
  try {
    await gateway.completeJob({ jobKey: '42', variables: { ok: true } });
    await gateway.publishMessage({ name: 'm', correlationKey: 'k', messageId: 'id-1', variables: { a: 1 }, timeToLive: 5_000 });
    expect((await gateway.topology()).brokers).toHaveLength(1);
  } finally {
    gateway.close();
  }
  expect(seen.map((s) => [s.method, s.authorization])).toEqual([
    ['CompleteJob', 'Bearer t0ken'],
    ['PublishMessage', 'Bearer t0ken'],
    ['Topology', 'Bearer t0ken'],
  ]);
  expect(seen[0]!.request).toMatchObject({ jobKey: '42', variables: '{"ok":true}' });
  expect(seen[1]!.request).toMatchObject({ name: 'm', correlationKey: 'k', messageId: 'id-1', timeToLive: '5000', variables: '{"a":1}' });

});

test('a hung gateway: the command fails at its deadline instead of holding the job', async () => {
  completeAnswers.push('hang', 'hang', 'hang');
  const gateway = connectGatewayAt(`grpc://127.0.0.1:${port}`, { commandTimeoutMs: 300, commandRetryMs: 500 });
  const started = Date.now();
  try {
    await expect(gateway.completeJob({ jobKey: '44' })).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
  } finally {
    gateway.close();
  }
  // one attempt: another would pass the retry budget
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(seen.filter((s) => s.method === 'CompleteJob')).toHaveLength(1);
});

test('a transient refusal is retried within the budget', async () => {
  completeAnswers.push('unavailable');
  const gateway = connectGatewayAt(`grpc://127.0.0.1:${port}`, { commandTimeoutMs: 1_000, commandRetryMs: 5_000 });
  try {
    await gateway.completeJob({ jobKey: '45' });
  } finally {
    gateway.close();
  }
  expect(seen.filter((s) => s.method === 'CompleteJob')).toHaveLength(2);
});

test('on the wire: no grpc-encoding header and no compressed message', async () => {
  // a bare HTTP/2 server sees the request as sent (a gRPC server would decompress it first)
  const requests: { readonly encoding: string | undefined; readonly compressedFlag: number | undefined }[] = [];
  const wire = http2.createServer();
  wire.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      requests.push({ encoding: headers['grpc-encoding'] as string | undefined, compressedFlag: Buffer.concat(chunks)[0] });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      // an empty CompleteJobResponse: uncompressed, length 0
      stream.end(Buffer.alloc(5));
    });
  });
  wire.listen(0, '127.0.0.1');
  await once(wire, 'listening');
  const gateway = connectGateway(`127.0.0.1:${(wire.address() as AddressInfo).port}`, { tls: false });
  try {
    await gateway.completeJob({ jobKey: '46', variables: { payload: 'x'.repeat(2_000) } });
  } finally {
    gateway.close();
    wire.close();
  }
  expect(requests).toEqual([{ encoding: undefined, compressedFlag: 0 }]);
});
