// The cluster under test, as the tests see it: the SDK's gRPC client built from the environment
// (the global setup fills it in for the in-process engine), and what the target can do.
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';

/** 'local-engine' when the global setup started the project's engine; 'remote' for a user's cluster. */
export const target = process.env['CONFORMANCE_TARGET'] === 'local-engine' ? 'local-engine' : 'remote';

/** PUT /v2/clock needs the cluster's controlled clock (zeebe clock control); CONFORMANCE_CLOCK=off skips those tests. */
export const clockControl = process.env['CONFORMANCE_CLOCK'] !== 'off';

const quiet = {
  CAMUNDA_LOG_LEVEL: 'error',
  zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false },
} as const;

let camunda: Camunda8 | undefined;
let zeebe: ZeebeGrpcClient | undefined;

export function camunda8(): Camunda8 {
  camunda ??= new Camunda8(quiet);
  return camunda;
}

/** One gRPC client per test file; close it in afterAll with closeClients(). */
export function grpc(): ZeebeGrpcClient {
  zeebe ??= camunda8().getZeebeGrpcApiClient();
  return zeebe;
}

export async function closeClients(): Promise<void> {
  await zeebe?.close(2_000);
  zeebe = undefined;
  camunda = undefined;
}
