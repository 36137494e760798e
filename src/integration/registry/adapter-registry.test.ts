import { loadConfig } from '../../platform/config.ts';
import { AdapterRegistry } from './adapter-registry.ts';
import type { CapabilityRow, SystemConfigRow, TenantIntegration } from './tenant-integration.ts';

const config = loadConfig({ BILLING_URL: 'http://billing.local/billing', EXTERNAL_CONNECT_TIMEOUT_MS: '1000', EXTERNAL_RESPONSE_TIMEOUT_MS: '4000' });

const system = (over: Partial<SystemConfigRow> = {}): SystemConfigRow => ({
  system: 'BILLING',
  enabled: true,
  baseUrl: 'config:BILLING_URL',
  authProfile: 'SHARED',
  timeoutProfile: 'STANDARD',
  retryProfile: 'STANDARD',
  capabilityProfile: 'EXPLICIT',
  ...over,
});
const capability = (over: Partial<CapabilityRow> = {}): CapabilityRow => ({ system: 'BILLING', capability: 'BILLING_ACTIVATE_SUBSCRIPTION', enabled: true, config: {}, ...over });

/** A registry over fixed rows per tenant, counting the reads, with a clock the test moves. */
function registry(tenants: Record<string, TenantIntegration>, ttlMs = 1_000) {
  const clock = { now: 0 };
  const reads: string[] = [];
  const r = new AdapterRegistry(
    async (tenantId) => {
      reads.push(tenantId);
      return tenants[tenantId] ?? { systems: [], capabilities: [] };
    },
    config,
    { ttlMs, now: () => clock.now },
  );
  return { r, reads, clock };
}

describe('capability', () => {
  it('is enabled with the binding to call through: configured URL resolved, timeouts of the profile', async () => {
    const { r } = registry({ t1: { systems: [system({ timeoutProfile: 'EXTENDED' })], capabilities: [capability({ config: { channel: 'x' } })] } });
    const d = await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION');
    expect(d).toEqual({
      enabled: true,
      tenantId: 't1',
      system: 'BILLING',
      capability: 'BILLING_ACTIVATE_SUBSCRIPTION',
      config: { channel: 'x' },
      binding: { tenantId: 't1', system: 'BILLING', enabled: true, baseUrl: 'http://billing.local/billing', authProfile: 'SHARED', timeouts: { connectMs: 1000, responseMs: 12000 }, retryProfile: 'STANDARD' },
    });
  });

  it.each([
    ['no system row', { systems: [], capabilities: [] }, 'SYSTEM_NOT_CONFIGURED'],
    ['the system disabled', { systems: [system({ enabled: false })], capabilities: [capability()] }, 'SYSTEM_DISABLED'],
    ['the capability disabled', { systems: [system()], capabilities: [capability({ enabled: false })] }, 'CAPABILITY_DISABLED'],
    ['no capability row under EXPLICIT', { systems: [system()], capabilities: [] }, 'CAPABILITY_NOT_CONFIGURED'],
    ['a disabling row under ALL', { systems: [system({ capabilityProfile: 'ALL' })], capabilities: [capability({ enabled: false })] }, 'CAPABILITY_DISABLED'],
  ] as const)('is disabled with %s, saying why', async (_name, rows, reason) => {
    const { r } = registry({ t1: rows });
    const d = await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION');
    expect(d).toMatchObject({ enabled: false, reason, tenantId: 't1', capability: 'BILLING_ACTIVATE_SUBSCRIPTION' });
    if (!d.enabled) expect(d.detail).toContain('t1');
  });

  it('is enabled under ALL without a row of its own', async () => {
    const { r } = registry({ t1: { systems: [system({ capabilityProfile: 'ALL' })], capabilities: [] } });
    expect(await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).toMatchObject({ enabled: true, config: {} });
  });

  it('refuses a capability asked of another system (a programming error, not a configuration)', async () => {
    const { r } = registry({});
    await expect(r.capability('t1', 'CRM', 'BILLING_ACTIVATE_SUBSCRIPTION')).rejects.toThrow(/does not belong to CRM/);
  });

  it('fails loudly on a base URL naming no setting of the farm', async () => {
    const { r } = registry({ t1: { systems: [system({ baseUrl: 'config:NOPE_URL' })], capabilities: [capability()] } });
    await expect(r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).rejects.toThrow(/config:NOPE_URL names no URL setting/);
  });
});

describe('binding', () => {
  it('is there for a disabled system too (compensations and polls still need to call)', async () => {
    const { r } = registry({ t1: { systems: [system({ enabled: false, baseUrl: 'https://tenant.example/billing' })], capabilities: [] } });
    expect(await r.binding('t1', 'BILLING')).toMatchObject({ kind: 'bound', binding: { enabled: false, baseUrl: 'https://tenant.example/billing' } });
  });

  it('is unbound, with the reason, for a tenant without the system or with an unreadable row', async () => {
    const { r } = registry({ t2: { systems: [system({ baseUrl: 'config:NOPE_URL' })], capabilities: [] } });
    expect(await r.binding('t1', 'BILLING')).toEqual({ kind: 'unbound', reason: 'tenant t1 has no BILLING configuration (integration_system_config)' });
    expect(await r.binding('t2', 'BILLING')).toMatchObject({ kind: 'unbound', reason: expect.stringContaining('config:NOPE_URL') });
  });
});

describe('cache', () => {
  it('reads a tenant once while its rows are fresh, again once they expire or are invalidated', async () => {
    const { r, reads, clock } = registry({ t1: { systems: [system()], capabilities: [capability()] } }, 1_000);
    await Promise.all([r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION'), r.binding('t1', 'BILLING'), r.binding('t1', 'BILLING')]);
    expect(reads).toEqual(['t1']);
    clock.now = 999;
    await r.binding('t1', 'BILLING');
    expect(reads).toEqual(['t1']);
    clock.now = 1_000;
    await r.binding('t1', 'BILLING');
    expect(reads).toEqual(['t1', 't1']);
    r.invalidate('t1');
    await r.binding('t1', 'BILLING');
    expect(reads).toEqual(['t1', 't1', 't1']);
  });

  it('answers from the rows in hand while their refresh runs, and from the refreshed rows after it', async () => {
    const rows = { systems: [system()], capabilities: [capability()] };
    const { r, reads, clock } = registry({ t1: rows }, 1_000);
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(true);
    rows.capabilities = [capability({ enabled: false })];
    clock.now = 1_000;
    // expired: the refresh starts, the answer is still the rows read before
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(true);
    expect(reads).toEqual(['t1', 't1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(false);
    expect(reads).toEqual(['t1', 't1']);
  });

  it('sees a changed row after invalidation', async () => {
    const rows = { systems: [system()], capabilities: [capability()] };
    const { r } = registry({ t1: rows });
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(true);
    rows.capabilities = [capability({ enabled: false })];
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(true);
    r.invalidate();
    expect((await r.capability('t1', 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).enabled).toBe(false);
  });

  it('does not remember a failed read, and reads every time with a TTL of 0', async () => {
    let fail = true;
    const reads: string[] = [];
    const r = new AdapterRegistry(
      async (t) => {
        reads.push(t);
        if (fail) throw new Error('database down');
        return { systems: [system()], capabilities: [] };
      },
      config,
      { ttlMs: 60_000 },
    );
    await expect(r.binding('t1', 'BILLING')).rejects.toThrow('database down');
    fail = false;
    expect((await r.binding('t1', 'BILLING')).kind).toBe('bound');

    const uncached = registry({ t1: { systems: [system()], capabilities: [] } }, 0);
    await uncached.r.binding('t1', 'BILLING');
    await uncached.r.binding('t1', 'BILLING');
    expect(uncached.reads).toEqual(['t1', 't1']);
  });
});
