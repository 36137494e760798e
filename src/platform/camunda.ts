// Camunda clients built from the one config: gRPC (jobs, deployments, messages), REST v2, and the
// Operate / Tasklist APIs that read the engine's secondary storage.
import { Camunda8 } from '@camunda8/sdk';
import { loadConfig, type Config } from './config.ts';

export function createCamunda(config: Config = loadConfig()): Camunda8 {
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    ZEEBE_REST_ADDRESS: config.ZEEBE_REST_ADDRESS,
    CAMUNDA_OPERATE_BASE_URL: config.CAMUNDA_OPERATE_BASE_URL,
    CAMUNDA_TASKLIST_BASE_URL: config.CAMUNDA_TASKLIST_BASE_URL,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    CAMUNDA_SECURE_CONNECTION: config.ZEEBE_GRPC_ADDRESS.startsWith('grpcs://'),
    // The SDK logs through winston by default; the farm logs through pino and only wants errors.
    CAMUNDA_LOG_LEVEL: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'debug' : 'error',
  });
}
