// The SDK settings of every Camunda client of this project, built from the one config: addresses,
// the authentication the configured cluster expects (under the SDK's own variable names, so a
// Camunda SaaS or Self-Managed cluster needs only the environment), and quiet SDK loggers (the
// farm logs through pino; the SDK's own loggers only speak up on errors).
import type { Config } from './config.ts';

/** The token audience: ZEEBE_TOKEN_AUDIENCE, else CAMUNDA_TOKEN_AUDIENCE (the REST SDK's name), else none. */
export const tokenAudience = (config: Config): string | undefined => config.ZEEBE_TOKEN_AUDIENCE ?? config.CAMUNDA_TOKEN_AUDIENCE;

/** Only the settings that are set: the SDK then keeps its own defaults for the others. */
function defined<T extends Record<string, unknown>>(settings: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** retries of one SDK gRPC command (the SDK's client has no per-call deadline: the farm's own channel has, src/platform/gateway-client.ts) */
export const SDK_MAX_RETRIES = 8;

export function camundaOptions(config: Config) {
  const debug = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
  return {
    ZEEBE_GRPC_ADDRESS: config.ZEEBE_GRPC_ADDRESS,
    ZEEBE_REST_ADDRESS: config.ZEEBE_REST_ADDRESS,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    ...defined({
      CAMUNDA_OAUTH_URL: config.CAMUNDA_OAUTH_URL,
      ZEEBE_CLIENT_ID: config.ZEEBE_CLIENT_ID,
      ZEEBE_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
      ZEEBE_TOKEN_AUDIENCE: tokenAudience(config),
      CAMUNDA_TOKEN_SCOPE: config.CAMUNDA_TOKEN_SCOPE,
      CAMUNDA_BASIC_AUTH_USERNAME: config.CAMUNDA_BASIC_AUTH_USERNAME,
      CAMUNDA_BASIC_AUTH_PASSWORD: config.CAMUNDA_BASIC_AUTH_PASSWORD,
    }),
    CAMUNDA_LOG_LEVEL: debug ? 'debug' : 'error',
    // the SDK retried a refused command forever (-1): bounded here, ~1 minute of backoff in all
    zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: debug ? 'DEBUG' : 'ERROR', ZEEBE_GRPC_CLIENT_MAX_RETRIES: SDK_MAX_RETRIES, ZEEBE_GRPC_CLIENT_MAX_RETRY_TIMEOUT_SECONDS: 10 },
  } as const;
}
