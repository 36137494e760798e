// The gateway's gRPC service straight from the proto the SDK ships (loaded at run time, never
// copied), for what the SDK's client does not show: e.g. when a stream's response headers arrive.
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpcJs from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { authHeaders } from './rest.ts';

type GatewayClient = grpcJs.Client & { StreamActivatedJobs(request: object, metadata: grpcJs.Metadata): grpcJs.ClientReadableStream<unknown> };

export function rawGateway(): GatewayClient {
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = grpcJs.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: new (address: string, credentials: grpcJs.ChannelCredentials) => GatewayClient } };
  const address = process.env['ZEEBE_GRPC_ADDRESS'] ?? process.env['ZEEBE_ADDRESS'] ?? 'localhost:26500';
  // the SDK's rule: grpcs:// is TLS, grpc:// is plain; without a scheme TLS unless switched off
  const plainByEnv = process.env['CAMUNDA_SECURE_CONNECTION'] === 'false' || process.env['ZEEBE_INSECURE_CONNECTION'] === 'true';
  const secure = address.startsWith('grpcs://') || (!address.startsWith('grpc://') && !plainByEnv);
  return new loaded.gateway_protocol.Gateway(address.replace(/^grpcs?:\/\//, ''), secure ? grpcJs.credentials.createSsl() : grpcJs.credentials.createInsecure());
}

export async function gatewayMetadata(): Promise<grpcJs.Metadata> {
  const metadata = new grpcJs.Metadata();
  for (const [key, value] of Object.entries(await authHeaders())) metadata.set(key.toLowerCase(), value);
  return metadata;
}
