// The adapter registry (seed 000 §10): per tenant and external system, where and how to call it
// (base URL, credential source, timeouts) and which capabilities the tenant may use. Use cases ask
// `capability(...)` instead of guessing; adapters ask `binding(...)` for where to send. A tenant's
// rows are cached for a short while (INTEGRATION_CONFIG_TTL_MS) and refreshed behind the answers, so
// a change in the tables takes effect within about that time without a restart.
import { AsyncResource } from 'node:async_hooks';
import type { Config } from '../../platform/config.ts';
import type { ExternalSystem } from '../../core/ports/external-result.ts';
import { systemOf, type CapabilityCode, type CapabilityDisabledReason } from './capabilities.ts';
import { IntegrationConfigError, type CapabilityRow, type SystemConfigRow, type TenantIntegration } from './tenant-integration.ts';
import { timeoutsOf, type AuthProfile, type RetryProfile, type Timeouts } from './profiles.ts';

/** A tenant's rows as cached: `settled` is a read that succeeded, kept to answer while a refresh runs. */
interface CacheEntry {
  readonly expiresAt: number;
  readonly view: Promise<TenantView>;
  readonly settled: Promise<TenantView> | undefined;
}

export interface SystemBinding {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  /** false: no new work for this system (its capabilities are disabled); follow-ups of earlier work still go */
  readonly enabled: boolean;
  readonly baseUrl: string;
  readonly authProfile: AuthProfile;
  readonly timeouts: Timeouts;
  readonly retryProfile: RetryProfile;
}

/** Where a tenant's calls to a system go, or why they cannot go anywhere. */
export type BindingLookup = { readonly kind: 'bound'; readonly binding: SystemBinding } | { readonly kind: 'unbound'; readonly reason: string };

interface CapabilityRef {
  readonly tenantId: string;
  readonly system: ExternalSystem;
  readonly capability: CapabilityCode;
}

export type CapabilityDecision =
  | (CapabilityRef & { readonly enabled: true; readonly binding: SystemBinding; readonly config: Readonly<Record<string, unknown>> })
  | (CapabilityRef & { readonly enabled: false; readonly reason: CapabilityDisabledReason; readonly detail: string });

export type LoadTenantIntegration = (tenantId: string) => Promise<TenantIntegration>;

type RegistryConfig = Pick<Config, 'CRM_URL' | 'INVENTORY_URL' | 'PROVISIONING_URL' | 'BILLING_URL' | 'NOTIFICATION_URL' | 'EXTERNAL_CONNECT_TIMEOUT_MS' | 'EXTERNAL_RESPONSE_TIMEOUT_MS'>;

interface TenantView {
  readonly systems: ReadonlyMap<ExternalSystem, { readonly row: SystemConfigRow; readonly binding: SystemBinding }>;
  readonly capabilities: ReadonlyMap<CapabilityCode, CapabilityRow>;
}

export class AdapterRegistry {
  private readonly load: LoadTenantIntegration;
  private readonly config: RegistryConfig;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CacheEntry>();
  /** made with the registry, outside any job: background refreshes belong to no job */
  private readonly refreshScope = new AsyncResource('AdapterRegistryRefresh');

  constructor(load: LoadTenantIntegration, config: RegistryConfig, opts: { readonly ttlMs: number; readonly now?: () => number }) {
    this.load = load;
    this.config = config;
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
  }

  /** Whether the tenant may use the capability now, with the system binding to use when it may. */
  async capability(tenantId: string, system: ExternalSystem, capability: CapabilityCode): Promise<CapabilityDecision> {
    if (systemOf(capability) !== system) throw new Error(`capability ${capability} does not belong to ${system}`);
    const ref = { tenantId, system, capability };
    const view = await this.view(tenantId);
    const sys = view.systems.get(system);
    if (!sys) return { ...ref, enabled: false, reason: 'SYSTEM_NOT_CONFIGURED', detail: `tenant ${tenantId} has no ${system} configuration (integration_system_config)` };
    if (!sys.row.enabled) return { ...ref, enabled: false, reason: 'SYSTEM_DISABLED', detail: `${system} is disabled for tenant ${tenantId}` };
    const row = view.capabilities.get(capability);
    if (row && !row.enabled) return { ...ref, enabled: false, reason: 'CAPABILITY_DISABLED', detail: `${capability} is disabled for tenant ${tenantId}` };
    if (!row && sys.row.capabilityProfile === 'EXPLICIT') {
      return { ...ref, enabled: false, reason: 'CAPABILITY_NOT_CONFIGURED', detail: `${capability} is not enabled for tenant ${tenantId} (capability profile EXPLICIT, no integration_capability row)` };
    }
    return { ...ref, enabled: true, binding: sys.binding, config: row?.config ?? {} };
  }

  /** Where the tenant's calls to the system go (enabled or not: compensations and status polls still need it). */
  async binding(tenantId: string, system: ExternalSystem): Promise<BindingLookup> {
    let view: TenantView;
    try {
      view = await this.view(tenantId);
    } catch (err) {
      if (err instanceof IntegrationConfigError) return { kind: 'unbound', reason: err.message };
      throw err;
    }
    const sys = view.systems.get(system);
    return sys ? { kind: 'bound', binding: sys.binding } : { kind: 'unbound', reason: `tenant ${tenantId} has no ${system} configuration (integration_system_config)` };
  }

  /** Forgets cached rows (one tenant, or all): the next question reads the tables again. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.cache.clear();
    else this.cache.delete(tenantId);
  }

  private view(tenantId: string): Promise<TenantView> {
    const now = this.now();
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > now) return cached.view;
    // Rows already read keep answering while their refresh runs, so no job waits on (or pays a
    // round trip for) a refresh; a change in the tables shows from the answer after the refresh.
    // The refresh runs in the registry's own async scope, not in that of the job that noticed it.
    const stale = this.ttlMs > 0 ? cached?.settled : undefined;
    const read = () => this.load(tenantId).then((t) => this.toView(tenantId, t));
    const view = stale ? this.refreshScope.runInAsyncScope(read) : read();
    if (this.ttlMs <= 0) return view;
    const entry: CacheEntry = { expiresAt: now + this.ttlMs, view: stale ?? view, settled: stale };
    this.cache.set(tenantId, entry);
    view.then(
      () => {
        if (this.cache.get(tenantId) === entry) this.cache.set(tenantId, { expiresAt: entry.expiresAt, view, settled: view });
      },
      () => {
        // a failed read is not remembered: the next question tries again (rows in hand stay until then)
        if (this.cache.get(tenantId) === entry && !stale) this.cache.delete(tenantId);
      },
    );
    return entry.view;
  }

  private toView(tenantId: string, t: TenantIntegration): TenantView {
    const systems = new Map(
      t.systems.map((row) => [
        row.system,
        {
          row,
          binding: {
            tenantId,
            system: row.system,
            enabled: row.enabled,
            baseUrl: this.baseUrl(tenantId, row),
            authProfile: row.authProfile,
            timeouts: timeoutsOf(row.timeoutProfile, this.config),
            retryProfile: row.retryProfile,
          },
        },
      ]),
    );
    return { systems, capabilities: new Map(t.capabilities.map((c) => [c.capability, c])) };
  }

  /** `config:<SYSTEM>_URL` stands for the farm's own setting of that name; anything else is the URL itself. */
  private baseUrl(tenantId: string, row: SystemConfigRow): string {
    if (!row.baseUrl.startsWith('config:')) return row.baseUrl;
    const name = row.baseUrl.slice('config:'.length);
    const urls: Readonly<Record<string, string>> = {
      CRM_URL: this.config.CRM_URL,
      INVENTORY_URL: this.config.INVENTORY_URL,
      PROVISIONING_URL: this.config.PROVISIONING_URL,
      BILLING_URL: this.config.BILLING_URL,
      NOTIFICATION_URL: this.config.NOTIFICATION_URL,
    };
    const url = urls[name];
    if (url === undefined) throw new IntegrationConfigError(`integration_system_config (${tenantId}, ${row.system}): base_url ${row.baseUrl} names no URL setting of the farm`);
    return url;
  }
}
