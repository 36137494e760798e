// A bare grpc-js client on the SDK's proto, as the farm's own job stream uses it: for what the SDK
// hides (response headers, stream ends, exact status codes, raw argument values).
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export type RawGateway = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

export function rawGateway(address: string, channelOptions: grpc.ChannelOptions = {}): RawGateway {
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: new (address: string, creds: grpc.ChannelCredentials, options: grpc.ChannelOptions) => RawGateway } };
  return new proto.gateway_protocol.Gateway(address.replace(/^grpc:\/\//, ''), grpc.credentials.createInsecure(), channelOptions);
}

export function unaryCall<T = Record<string, unknown>>(client: RawGateway, method: string, request: object, metadata = new grpc.Metadata()): Promise<T> {
  return new Promise((resolve, reject) => {
    (client[method] as (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: T) => void) => void).call(client, request, metadata, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

export function streamCall(client: RawGateway, method: string, request: object, metadata = new grpc.Metadata()): grpc.ClientReadableStream<Record<string, unknown>> {
  return (client[method] as (req: object, md: grpc.Metadata) => grpc.ClientReadableStream<Record<string, unknown>>).call(client, request, metadata);
}

/** Collects a server stream until it ends or errors. */
export function drain(stream: grpc.ClientReadableStream<Record<string, unknown>>): Promise<{ messages: Record<string, unknown>[]; error: grpc.ServiceError | undefined }> {
  const messages: Record<string, unknown>[] = [];
  return new Promise((resolve) => {
    stream.on('data', (message: Record<string, unknown>) => messages.push(message));
    stream.on('error', (error: grpc.ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages, error: undefined }));
  });
}
