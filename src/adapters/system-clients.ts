// One SystemHttpClient per external system with the farm's own credentials (auth_profile SHARED)
// and the seed 000 §7.1 timeout budget from the configuration: the clients of every tenant whose
// registry rows point at the configured URLs (src/adapters/tenant-adapters.ts). Credentials are
// sent as headers and never stored.
import { EXTERNAL_SYSTEMS, type ExternalSystem } from '../core/ports/external-result.ts';
import { SystemHttpClient } from '../integration/http/system-client.ts';
import { registerSecretValues } from '../platform/redaction.ts';
import type { Config } from '../platform/config.ts';
import { authHeaders, secretForms, sharedCredentials } from './auth-headers.ts';

export const configuredUrl = (config: Config, system: ExternalSystem): string =>
  ({ CRM: config.CRM_URL, INVENTORY: config.INVENTORY_URL, PROVISIONING: config.PROVISIONING_URL, BILLING: config.BILLING_URL, NOTIFICATION: config.NOTIFICATION_URL })[system];

export function createSystemClients(config: Config): Readonly<Record<ExternalSystem, SystemHttpClient>> {
  const shared = sharedCredentials(config);
  const client = (system: ExternalSystem) => {
    registerSecretValues(secretForms(system, shared[system]));
    const headers = authHeaders(system, shared[system]);
    return new SystemHttpClient({ system, baseUrl: configuredUrl(config, system), credentials: () => headers, connectTimeoutMs: config.EXTERNAL_CONNECT_TIMEOUT_MS, responseTimeoutMs: config.EXTERNAL_RESPONSE_TIMEOUT_MS, maxResponseBytes: config.EXTERNAL_MAX_RESPONSE_BYTES });
  };
  return Object.fromEntries(EXTERNAL_SYSTEMS.map((s) => [s, client(s)])) as Record<ExternalSystem, SystemHttpClient>;
}
