// The SDK's gRPC client alone, for dev tools, tests and benches that use its conveniences. The
// farm's processes (replicas, intake, relay, ops) use their one uncompressed channel instead
// (src/platform/gateway-client.ts, opened by src/main/gateway.ts). Loaded from the SDK's zeebe
// module instead of its facade, which loads every other API client too: ~26 MB less resident
// memory per process. The SDK publishes no exports map, so this path is one of its files;
// zeebe-client.test.ts fails if an upgrade moves it.
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { camundaOptions } from './camunda-options.ts';
import { loadConfig, type Config } from './config.ts';

export function createZeebeClient(config: Config = loadConfig()): ZeebeGrpcClient {
  return new ZeebeGrpcClient({ config: camundaOptions(config) });
}
