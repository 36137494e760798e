// The process's one gRPC channel to the engine's gateway, as configured: address and TLS from
// ZEEBE_GRPC_ADDRESS, OAuth or basic auth headers on every call, the command deadline.
import type { Config } from '../platform/config.ts';
import { gatewayHeaders } from '../platform/gateway-auth.ts';
import { connectGatewayAt, type GatewayConnection } from '../platform/gateway-client.ts';

export function openGateway(config: Config): GatewayConnection {
  return connectGatewayAt(config.ZEEBE_GRPC_ADDRESS, { metadata: gatewayHeaders(config), commandTimeoutMs: config.ZEEBE_COMMAND_TIMEOUT_MS });
}
