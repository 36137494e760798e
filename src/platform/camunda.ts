// The SDK's facade (gRPC, REST v2 and the v1 API clients) for the processes that use more than the
// gRPC client: deployment, the tests' process helpers. Farm replicas use zeebe-client.ts.
import { Camunda8 } from '@camunda8/sdk';
import { camundaOptions } from './camunda-options.ts';
import { loadConfig, type Config } from './config.ts';

export function createCamunda(config: Config = loadConfig()): Camunda8 {
  return new Camunda8(camundaOptions(config));
}
