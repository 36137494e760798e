// The adapters as each tenant's registry rows configure them: a call for tenant T to system S goes
// to T's base URL with T's credential and timeouts (src/integration/registry/). Tenants sharing a
// configuration share its HTTP client, and so its circuit breaker and bulkhead; the farm's
// configured clients serve every tenant that points at the configured URLs with the farm's own
// credentials. A tenant without a usable configuration or credential gets an `unconfigured`
// outcome (AUTH_FAILED, not retried: an incident whose message says what to set), nothing is sent.
import { EXTERNAL_SYSTEMS, type ExternalSystem } from '../core/ports/external-result.ts';
import { SystemHttpClient, type HttpOutcome, type HttpRequest, type HttpSender } from '../integration/http/system-client.ts';
import { redact, registerSecretValues } from '../platform/redaction.ts';
import type { AdapterRegistry, SystemBinding } from '../integration/registry/adapter-registry.ts';
import type { CredentialStore } from '../integration/registry/credentials.ts';
import { timeoutsOf } from '../integration/registry/profiles.ts';
import type { Config } from '../platform/config.ts';
import { authHeaders, secretForms } from './auth-headers.ts';
import { BillingHttpAdapter } from './billing/http-adapter.ts';
import { CrmHttpAdapter } from './crm/http-adapter.ts';
import { InventoryHttpAdapter } from './inventory/http-adapter.ts';
import { NotificationHttpAdapter } from './notification/http-adapter.ts';
import type { Adapters } from './index.ts';
import { ProvisioningHttpAdapter } from './provisioning/http-adapter.ts';
import { configuredUrl } from './system-clients.ts';

type Ports = Omit<Adapters, 'circuits'>;

export interface TenantAdapters {
  /** The five ports as configured for the tenant (resolved per call, so registry changes apply). */
  ports(tenantId: string): Ports;
  /** Every HTTP client in use so far (circuit state for health and metrics). */
  clients(): readonly SystemHttpClient[];
}

export interface TenantAdapterDeps {
  readonly registry: AdapterRegistry;
  readonly credentials: CredentialStore;
  /** the farm's configured clients (auth_profile SHARED, configured URL, standard timeouts) */
  readonly configured: Readonly<Record<ExternalSystem, SystemHttpClient>>;
  readonly config: Config;
  /** told of every client made for a tenant configuration (e.g. to watch its circuit) */
  readonly onClient?: (client: SystemHttpClient) => void;
}

export function createTenantAdapters(deps: TenantAdapterDeps): TenantAdapters {
  const clients = new Map<string, SystemHttpClient>();
  const keyOf = (b: Pick<SystemBinding, 'system' | 'baseUrl' | 'timeouts' | 'authProfile' | 'tenantId'>) =>
    [b.system, b.baseUrl, b.timeouts.connectMs, b.timeouts.responseMs, b.authProfile === 'SHARED' ? '' : b.tenantId].join('|');
  for (const system of EXTERNAL_SYSTEMS) {
    clients.set(keyOf({ system, baseUrl: configuredUrl(deps.config, system), timeouts: timeoutsOf('STANDARD', deps.config), authProfile: 'SHARED', tenantId: '' }), deps.configured[system]);
  }

  const clientFor = (b: SystemBinding): SystemHttpClient => {
    const key = keyOf(b);
    let client = clients.get(key);
    if (!client) {
      client = new SystemHttpClient({
        system: b.system,
        baseUrl: b.baseUrl,
        connectTimeoutMs: b.timeouts.connectMs,
        responseTimeoutMs: b.timeouts.responseMs,
        maxResponseBytes: deps.config.EXTERNAL_MAX_RESPONSE_BYTES,
        // read per request from the (briefly cached) store: a rotated secret applies without a restart
        credentials: () => {
          const c = deps.credentials.lookup(b.tenantId, b.system, b.authProfile);
          if (c.kind === 'missing') return {};
          registerSecretValues(secretForms(b.system, c.secret));
          return authHeaders(b.system, c.secret);
        },
      });
      clients.set(key, client);
      deps.onClient?.(client);
    }
    return client;
  };

  const routed = (tenantId: string, system: ExternalSystem): HttpSender => ({
    async send(req: HttpRequest): Promise<HttpOutcome> {
      const unconfigured = (message: string): HttpOutcome => ({
        kind: 'unconfigured',
        message,
        exchange: { request: redact({ method: req.method, path: req.path, headers: req.headers ?? {}, body: req.body, query: req.searchParams }) },
      });
      const lookup = await deps.registry.binding(tenantId, system);
      if (lookup.kind === 'unbound') return unconfigured(`not sent: ${lookup.reason}`);
      const credential = deps.credentials.lookup(tenantId, system, lookup.binding.authProfile);
      if (credential.kind === 'missing') return unconfigured(`not sent: no ${system} credential for tenant ${tenantId}; set one of ${credential.tried.join(', ')}`);
      return clientFor(lookup.binding).send(req);
    },
  });

  const byTenant = new Map<string, Ports>();
  return {
    ports(tenantId) {
      let ports = byTenant.get(tenantId);
      if (!ports) {
        ports = {
          crm: new CrmHttpAdapter(routed(tenantId, 'CRM')),
          inventory: new InventoryHttpAdapter(routed(tenantId, 'INVENTORY')),
          provisioning: new ProvisioningHttpAdapter(routed(tenantId, 'PROVISIONING')),
          billing: new BillingHttpAdapter(routed(tenantId, 'BILLING')),
          notification: new NotificationHttpAdapter(routed(tenantId, 'NOTIFICATION')),
        };
        byTenant.set(tenantId, ports);
      }
      return ports;
    },
    clients: () => [...new Set(clients.values())],
  };
}
