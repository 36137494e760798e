// Camunda clients built from the one config: gRPC (jobs, deployments, messages) and REST v2, all
// authenticated the way the configured cluster expects.
import { Camunda8 } from '@camunda8/sdk';
import { CamundaSession } from './camunda-session.ts';
import { loadConfig, type Config } from './config.ts';

export function createCamunda(config: Config = loadConfig()): Camunda8 {
  const debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  return new Camunda8({
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    ZEEBE_REST_ADDRESS: config.ZEEBE_REST_ADDRESS,
    CAMUNDA_OPERATE_BASE_URL: config.CAMUNDA_OPERATE_BASE_URL,
    CAMUNDA_TASKLIST_BASE_URL: config.CAMUNDA_TASKLIST_BASE_URL,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    // The farm logs through pino; the SDK's own loggers only speak up on errors.
    CAMUNDA_LOG_LEVEL: debug ? 'debug' : 'error',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: debug ? 'DEBUG' : 'ERROR' },
    ...(config.CAMUNDA_AUTH_STRATEGY === 'COOKIE' ? { oAuthProvider: new CamundaSession(config) } : {}),
  });
}
