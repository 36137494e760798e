// The real SDK's gRPC client as the gateway tests use it: plain gRPC, no auth, quiet, no retries
// (a refusal must reach the test, not be retried away).
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';

export function sdkClient(grpcAddress: string): ZeebeGrpcClient {
  return new ZeebeGrpcClient({
    config: {
      ZEEBE_GRPC_ADDRESS: grpcAddress,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
      CAMUNDA_LOG_LEVEL: 'error',
      zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
    },
  });
}
