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

/**
 * Closes an SDK stream worker without the line the SDK prints for the CANCELLED status its own
 * close causes (its stream's error handler logs every error); other errors still print.
 */
export async function closeQuietly(worker: { close(): void }): Promise<void> {
  const print = console.error;
  console.error = (...args: unknown[]) => {
    if ((args[0] as { code?: unknown } | undefined)?.code === 1) return;
    print(...args);
  };
  try {
    worker.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    console.error = print;
  }
}
