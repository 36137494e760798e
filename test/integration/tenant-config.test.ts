// The adapter registry over the real tables: the seeded tenant keeps every flow enabled, a tenant's
// rows are read as written, and the tables refuse what the registry could not use.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { AdapterRegistry } from '../../src/integration/registry/adapter-registry.ts';
import { CAPABILITY_CODES, systemOf } from '../../src/integration/registry/capabilities.ts';
import { loadTenantIntegration } from '../../src/integration/registry/tenant-integration.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { configureTenant, removeTenant } from '../support/tenant-config.ts';

const config = loadConfig();
let db: DatabasePool;
let registry: AdapterRegistry;
const tenant = `tenant-it-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  db = await createDatabasePool(config, 'tenant-config-test');
  registry = new AdapterRegistry((t) => loadTenantIntegration(db, t), config, { ttlMs: 0 });
});
afterAll(async () => {
  await removeTenant(db, tenant);
  await db.end();
});

test.each(CAPABILITY_CODES)('the seeded tenant-a may use %s, at the configured URL with the farm credential', async (capability) => {
  const d = await registry.capability('tenant-a', systemOf(capability), capability);
  expect(d).toMatchObject({ enabled: true, binding: { authProfile: 'SHARED', timeouts: { connectMs: config.EXTERNAL_CONNECT_TIMEOUT_MS, responseMs: config.EXTERNAL_RESPONSE_TIMEOUT_MS } } });
  const urls = { CRM: config.CRM_URL, INVENTORY: config.INVENTORY_URL, PROVISIONING: config.PROVISIONING_URL, BILLING: config.BILLING_URL, NOTIFICATION: config.NOTIFICATION_URL };
  if (d.enabled) expect(d.binding.baseUrl).toBe(urls[systemOf(capability)]);
});

test("a tenant's rows are read as written", async () => {
  await configureTenant(db, tenant, { systems: { BILLING: { baseUrl: 'https://billing.tenant.example/api', authProfile: 'TENANT', timeoutProfile: 'EXTENDED' } }, disabled: ['NOTIFICATION_SEND_EMAIL'] });
  expect(await registry.capability(tenant, 'BILLING', 'BILLING_ACTIVATE_SUBSCRIPTION')).toMatchObject({
    enabled: true,
    binding: { baseUrl: 'https://billing.tenant.example/api', authProfile: 'TENANT', timeouts: { responseMs: 3 * config.EXTERNAL_RESPONSE_TIMEOUT_MS } },
  });
  expect(await registry.capability(tenant, 'NOTIFICATION', 'NOTIFICATION_SEND_EMAIL')).toMatchObject({ enabled: false, reason: 'CAPABILITY_DISABLED' });
  expect(await registry.capability(`${tenant}-unknown`, 'CRM', 'CRM_VALIDATE_ACCOUNT')).toMatchObject({ enabled: false, reason: 'SYSTEM_NOT_CONFIGURED' });
});

test.each([
  ['a capability filed under another system', sql.unsafe`insert into integration_capability values ('x', 'CRM', 'BILLING_ACTIVATE_SUBSCRIPTION', true, '{}')`],
  ['a capability of a system the tenant has no row for', sql.unsafe`insert into integration_capability values ('no-such-tenant', 'CRM', 'CRM_VALIDATE_ACCOUNT', true, '{}')`],
  ['an unknown auth profile', sql.unsafe`insert into integration_system_config (tenant_id, system_code, enabled, base_url, auth_profile, timeout_profile, retry_profile, capability_profile) values ('x', 'CRM', true, 'config:CRM_URL', 'OAUTH', 'STANDARD', 'STANDARD', 'EXPLICIT')`],
  ['a base URL that is neither a URL nor a configured one', sql.unsafe`insert into integration_system_config (tenant_id, system_code, enabled, base_url, auth_profile, timeout_profile, retry_profile, capability_profile) values ('x', 'CRM', true, 'crm.internal', 'SHARED', 'STANDARD', 'STANDARD', 'EXPLICIT')`],
])('the tables refuse %s', async (_name, statement) => {
  await expect(db.query(statement)).rejects.toThrow(/violates (check|foreign key) constraint/);
});
