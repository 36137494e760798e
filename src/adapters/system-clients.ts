// One SystemHttpClient per external system, with that system's credentials and the seed 000 §7.1
// timeout budget from the configuration. Credentials are sent as headers and never stored.
import type { ExternalSystem } from '../integration/external-result.ts';
import { SystemHttpClient } from '../integration/http/system-client.ts';
import type { Config } from '../platform/config.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` });
const apiKey = (key: string) => ({ 'x-api-key': key });

export function createSystemClients(config: Config): Readonly<Record<ExternalSystem, SystemHttpClient>> {
  const client = (system: ExternalSystem, baseUrl: string, credentials: () => Record<string, string>) =>
    new SystemHttpClient({ system, baseUrl, credentials, connectTimeoutMs: config.EXTERNAL_CONNECT_TIMEOUT_MS, responseTimeoutMs: config.EXTERNAL_RESPONSE_TIMEOUT_MS });
  return {
    CRM: client('CRM', config.CRM_URL, () => apiKey(config.CRM_API_KEY)),
    INVENTORY: client('INVENTORY', config.INVENTORY_URL, () => bearer(config.INVENTORY_TOKEN)),
    PROVISIONING: client('PROVISIONING', config.PROVISIONING_URL, () => basic(config.PROVISIONING_USERNAME, config.PROVISIONING_PASSWORD)),
    BILLING: client('BILLING', config.BILLING_URL, () => bearer(config.BILLING_TOKEN)),
    NOTIFICATION: client('NOTIFICATION', config.NOTIFICATION_URL, () => apiKey(config.NOTIFICATION_API_KEY)),
  };
}
