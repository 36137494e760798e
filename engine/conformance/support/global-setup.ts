// Chooses the cluster under test. With ZEEBE_GRPC_ADDRESS (or ZEEBE_ADDRESS) set, the suite runs
// against that cluster with the SDK's usual environment (auth included). Otherwise it starts the
// project's engine in-process on free ports and hands its addresses to the tests through the same
// variables. This is the only file of the suite that may load engine code.
import { inProcessEngine } from './in-process-engine.ts';

export default async function globalSetup(): Promise<void> {
  if (process.env['ZEEBE_GRPC_ADDRESS'] || process.env['ZEEBE_ADDRESS']) {
    process.env['CONFORMANCE_TARGET'] = 'remote';
    console.log(`\nconformance: against ${process.env['ZEEBE_GRPC_ADDRESS'] ?? process.env['ZEEBE_ADDRESS']} (REST ${process.env['ZEEBE_REST_ADDRESS'] ?? 'SDK default'})`);
    return;
  }
  const running = await inProcessEngine.start();
  Object.assign(process.env, {
    CONFORMANCE_TARGET: 'local-engine',
    ZEEBE_GRPC_ADDRESS: `grpc://127.0.0.1:${running.grpcPort}`,
    ZEEBE_REST_ADDRESS: `http://127.0.0.1:${running.restPort}`,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_OAUTH_DISABLED: 'true',
  });
  console.log(`\nconformance: against the project's engine in-process (gRPC ${running.grpcPort}, REST ${running.restPort})`);
}
