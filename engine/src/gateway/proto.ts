// The Zeebe gateway service, read at run time from the proto file the installed @camunda8/sdk ships
// (Apache-2.0): the repository holds no copy of it, and the wire stays whatever the SDK speaks.
// Options as the farm's own client uses them, so int64 keys are decimal strings on both sides.
import path from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

let cached: grpc.ServiceDefinition | undefined;

/** The `gateway_protocol.Gateway` service definition (loaded once per process). */
export function gatewayService(): grpc.ServiceDefinition {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const sdkDir = path.dirname(require.resolve('@camunda8/sdk/package.json'));
  const definition = protoLoader.loadSync(path.join(sdkDir, 'dist', 'proto', 'zeebe.proto'), { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { gateway_protocol: { Gateway: { service: grpc.ServiceDefinition } } };
  cached = loaded.gateway_protocol.Gateway.service;
  return cached;
}

/** Every RPC name of the service, for answering the ones the engine does not implement. */
export function gatewayMethodNames(): string[] {
  return Object.keys(gatewayService());
}
