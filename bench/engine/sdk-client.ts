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
 * Closes an SDK stream worker without the lines the SDK prints for the CANCELLED status its own
 * close causes (its stream's error handler and its gRPC middleware log every stream error, through
 * loggers that hold their own reference to console): output naming that status is dropped for a
 * moment; anything else still prints.
 */
export async function closeQuietly(worker: { close(): void }): Promise<void> {
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const [i, stream] of streams.entries()) {
    const write = writes[i] as typeof stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      /CANCELLED|Cancelled on client/.test(String(chunk)) ? true : (write as (...a: unknown[]) => boolean).call(stream, chunk, ...rest)) as typeof stream.write;
  }
  try {
    worker.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    for (const [i, stream] of streams.entries()) stream.write = writes[i] as typeof stream.write;
  }
}
