// A bare @camunda8/sdk gRPC client for the local engine: plain gRPC, no authentication, the SDK's
// own loggers quiet. (The zeebe module alone, as src/platform/zeebe-client.ts loads it.)
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';

export function sdkClient(grpcAddress: string): ZeebeGrpcClient {
  return new ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: grpcAddress,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'error',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'ERROR' },
    },
  });
}
