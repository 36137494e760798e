// The SDK settings of every Camunda client of this project, built from the one config: addresses,
// the authentication the configured cluster expects, and quiet SDK loggers (the farm logs through
// pino; the SDK's own loggers only speak up on errors).
import { CamundaSession } from './camunda-session.ts';
import type { Config } from './config.ts';

export function camundaOptions(config: Config) {
  const debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  return {
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    ZEEBE_REST_ADDRESS: config.ZEEBE_REST_ADDRESS,
    CAMUNDA_OPERATE_BASE_URL: config.CAMUNDA_OPERATE_BASE_URL,
    CAMUNDA_TASKLIST_BASE_URL: config.CAMUNDA_TASKLIST_BASE_URL,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    CAMUNDA_LOG_LEVEL: debug ? 'debug' : 'error',
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: debug ? 'DEBUG' : 'ERROR' },
    ...(config.CAMUNDA_AUTH_STRATEGY === 'COOKIE' ? { oAuthProvider: new CamundaSession(config) } : {}),
  } as const;
}
