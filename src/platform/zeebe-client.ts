// The gRPC client alone (jobs, messages, incidents), for farm replicas, the intake and the
// operator's commands. Loaded from the SDK's zeebe module instead of its facade, which loads every
// other API client too: ~26 MB less resident memory per process. The SDK publishes no exports
// map, so this path is one of its files; zeebe-client.test.ts fails if an upgrade moves it.
import { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { camundaOptions } from './camunda-options.ts';
import { loadConfig, type Config } from './config.ts';

export function createZeebeClient(config: Config = loadConfig()): ZeebeGrpcClient {
  return new ZeebeGrpcClient({ config: camundaOptions(config) });
}
