import { CannedHttpServer } from '../integration/http/testing/canned-http-server.ts';
import { AdapterRegistry } from '../integration/registry/adapter-registry.ts';
import { CredentialStore } from '../integration/registry/credentials.ts';
import type { SystemConfigRow, TenantIntegration } from '../integration/registry/tenant-integration.ts';
import { loadConfig } from '../platform/config.ts';
import { sharedCredentials } from './auth-headers.ts';
import { createSystemClients } from './system-clients.ts';
import { createTenantAdapters } from './tenant-adapters.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());
beforeEach(() => server.requests.splice(0));

const TENANT_SECRET = 'tenant-one-billing-s3cr3t';

function setup(tenants: Record<string, TenantIntegration>, env: Record<string, string> = {}) {
  const config = loadConfig({ BILLING_URL: server.url('/billing'), CRM_URL: server.url('/crm'), EXTERNAL_CONNECT_TIMEOUT_MS: '500', EXTERNAL_RESPONSE_TIMEOUT_MS: '500' });
  const registry = new AdapterRegistry(async (t) => tenants[t] ?? { systems: [], capabilities: [] }, config, { ttlMs: 0 });
  const credentials = new CredentialStore({ env, shared: sharedCredentials(config), ttlMs: 0 });
  const made: string[] = [];
  const adapters = createTenantAdapters({ registry, credentials, configured: createSystemClients(config), config, onClient: (c) => made.push(c.system) });
  return { adapters, made, config };
}

const billing = (over: Partial<SystemConfigRow>): TenantIntegration => ({
  systems: [{ system: 'BILLING', enabled: true, baseUrl: 'config:BILLING_URL', authProfile: 'SHARED', timeoutProfile: 'STANDARD', retryProfile: 'STANDARD', capabilityProfile: 'EXPLICIT', ...over }],
  capabilities: [],
});

test("a tenant's own URL and credential are used, and the secret stays out of the exchange even when echoed back", async () => {
  const { adapters, made } = setup({ t1: billing({ baseUrl: server.url('/tenant-one/billing'), authProfile: 'TENANT' }) }, { CREDENTIALS_T1_BILLING: TENANT_SECRET });
  // a careless external system: the credential comes back in the error text and body
  server.respond((req) => ({ status: 401, body: { message: `token ${String(req.headers.authorization)} expired`, echo: { header: req.headers.authorization } } }));
  const r = await adapters.ports('t1').billing.findActivation('key-1');

  const req = server.requests.at(-1);
  expect(req?.path).toBe('/tenant-one/billing/v3/activations');
  expect(req?.headers.authorization).toBe(`Bearer ${TENANT_SECRET}`);
  expect(r).toMatchObject({ kind: 'failed', category: 'AUTH_FAILED', retryable: false });
  expect(JSON.stringify(r)).not.toContain(TENANT_SECRET);
  expect(made).toEqual(['BILLING']);
});

test('tenants on the configured URL with the farm credential share the configured client', async () => {
  const { adapters, made, config } = setup({ t1: billing({}), t2: billing({}) });
  server.respond({ status: 200, body: { items: [] } });
  await adapters.ports('t1').billing.findActivation('k');
  await adapters.ports('t2').billing.findActivation('k');
  expect(server.requests.map((q) => q.headers.authorization)).toEqual([`Bearer ${config.BILLING_TOKEN}`, `Bearer ${config.BILLING_TOKEN}`]);
  expect(made).toEqual([]);
  expect(adapters.clients()).toHaveLength(5);
});

test('a TENANT credential that is missing: AUTH_FAILED, not sent, the message names where to put it', async () => {
  const { adapters } = setup({ t2: billing({ authProfile: 'TENANT' }) });
  const r = await adapters.ports('t2').billing.findActivation('k');
  expect(r).toMatchObject({ kind: 'failed', category: 'AUTH_FAILED', retryable: false, sent: false });
  if (r.kind === 'failed') expect(r.message).toContain('CREDENTIALS_T2_BILLING');
  expect(server.requests).toHaveLength(0);
});

test('a tenant without the system configured: AUTH_FAILED, not sent', async () => {
  const { adapters } = setup({});
  const r = await adapters.ports('nobody').crm.validateCustomerAccount({ tenantId: 'nobody', customerAccountId: 'C1', marketSegment: 'SMB', correlationId: 'c' });
  expect(r).toMatchObject({ kind: 'failed', category: 'AUTH_FAILED', sent: false, message: expect.stringContaining('tenant nobody has no CRM configuration') });
  expect(server.requests).toHaveLength(0);
});
