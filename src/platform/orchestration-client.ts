// The orchestration cluster's REST API (v2, Camunda 8.9 shapes) through Camunda's typed client
// (@camunda8/orchestration-cluster-api, Apache-2.0), configured from the one config: the same
// address and credentials as the gRPC client, so the local engine, Self-Managed and SaaS differ only
// in the environment. The client reads no environment of its own: what it uses is what config.ts checked.
import { createCamundaClient, type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { tokenAudience } from './camunda-options.ts';
import type { Config } from './config.ts';

export type OrchestrationClient = CamundaClient;

export function createOrchestrationClient(config: Config): OrchestrationClient {
  const settings: Record<string, string | undefined> = {
    CAMUNDA_REST_ADDRESS: config.ZEEBE_REST_ADDRESS,
    CAMUNDA_AUTH_STRATEGY: config.CAMUNDA_AUTH_STRATEGY,
    CAMUNDA_OAUTH_URL: config.CAMUNDA_OAUTH_URL,
    CAMUNDA_CLIENT_ID: config.ZEEBE_CLIENT_ID,
    CAMUNDA_CLIENT_SECRET: config.ZEEBE_CLIENT_SECRET,
    CAMUNDA_TOKEN_AUDIENCE: tokenAudience(config),
    CAMUNDA_OAUTH_SCOPE: config.CAMUNDA_TOKEN_SCOPE,
    CAMUNDA_BASIC_AUTH_USERNAME: config.CAMUNDA_BASIC_AUTH_USERNAME,
    CAMUNDA_BASIC_AUTH_PASSWORD: config.CAMUNDA_BASIC_AUTH_PASSWORD,
    // the farm logs through pino; the client speaks only on errors
    CAMUNDA_SDK_LOG_LEVEL: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'debug' : 'error',
  };
  const env = Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return createCamundaClient({ env });
}
