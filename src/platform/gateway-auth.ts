// Authentication headers for the process's own gRPC channel (src/platform/gateway-client.ts: job
// streams, polls and commands): without them a farm pointed at Camunda SaaS, or at the local
// engine with OAuth on, is refused. The SDK's own header
// providers do the work (token fetch, cache, early refresh), from the same settings as its client.
import { BasicAuthProvider, OAuthProvider } from '@camunda8/sdk/dist/oauth/index.js';
import { camundaOptions } from './camunda-options.ts';
import type { Config } from './config.ts';

/** gRPC metadata to send with every call; undefined when the cluster needs none. */
export type GatewayHeaders = () => Promise<Record<string, string>>;

export function gatewayHeaders(config: Config): GatewayHeaders | undefined {
  const settings = camundaOptions(config);
  switch (config.CAMUNDA_AUTH_STRATEGY) {
    case 'NONE':
      return undefined;
    case 'OAUTH': {
      // in memory only: each process asks for its own token once and refreshes it before expiry
      const provider = new OAuthProvider({ config: { ...settings, CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true } });
      return async () => ({ ...(await provider.getHeaders('ZEEBE')) });
    }
    case 'BASIC': {
      const provider = new BasicAuthProvider({ config: settings });
      return async () => ({ ...(await provider.getHeaders('ZEEBE')) });
    }
  }
}
