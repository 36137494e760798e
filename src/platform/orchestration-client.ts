// The orchestration cluster's REST API (v2, Camunda 8.9 shapes) through Camunda's typed client
// (@camunda8/orchestration-cluster-api, Apache-2.0), configured from the one config: the same
// address and credentials as the gRPC client, so the local engine, Self-Managed and SaaS differ only
// in the environment. The client reads no environment of its own: what it uses is what config.ts checked.
// Every request has a deadline (ZEEBE_COMMAND_TIMEOUT_MS, through the fetch it is given) and the
// client's retries of transient answers are bounded (3 attempts): a hung engine never holds a caller.
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
    CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: String(REST_MAX_ATTEMPTS),
  };
  const env = Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return createCamundaClient({ env, fetch: withDeadline(config.ZEEBE_COMMAND_TIMEOUT_MS) });
}

/** attempts of one REST request in all (the client's default, written down so it cannot become unbounded) */
const REST_MAX_ATTEMPTS = 3;

/** fetch that aborts a request (each attempt) after `timeoutMs`, keeping the caller's own signal */
function withDeadline(timeoutMs: number): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const callerSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    return fetch(input, { ...init, signal: callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline });
  };
}
