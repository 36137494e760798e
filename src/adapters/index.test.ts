import { EXTERNAL_SYSTEMS, type ExternalResult } from '../core/ports/external-result.ts';
import { CannedHttpServer } from '../integration/http/testing/canned-http-server.ts';
import { loadConfig } from '../platform/config.ts';
import { createAdapters } from './index.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const secrets = { CRM_API_KEY: 'crm-key-s3cr3t', INVENTORY_TOKEN: 'inv-token-s3cr3t', PROVISIONING_USERNAME: 'farm-user', PROVISIONING_PASSWORD: 'prov-pass-s3cr3t', BILLING_TOKEN: 'bil-token-s3cr3t', NOTIFICATION_API_KEY: 'notify-key-s3cr3t' };
const adapters = () =>
  createAdapters(
    loadConfig({
      CRM_URL: server.url('/crm'),
      INVENTORY_URL: server.url('/inventory'),
      PROVISIONING_URL: server.url('/provisioning'),
      BILLING_URL: server.url('/billing'),
      NOTIFICATION_URL: server.url('/notify'),
      EXTERNAL_CONNECT_TIMEOUT_MS: '500',
      EXTERNAL_RESPONSE_TIMEOUT_MS: '500',
      ...secrets,
    }),
  );

const basic = `Basic ${Buffer.from('farm-user:prov-pass-s3cr3t').toString('base64')}`;
const cases: [string, (a: ReturnType<typeof createAdapters>) => Promise<ExternalResult<unknown>>, string, string, string][] = [
  ['CRM', (a) => a.crm.validateCustomerAccount({ tenantId: 't', customerAccountId: 'C1', marketSegment: 'SMB', correlationId: 'c' }), '/crm/v2/accounts/C1', 'x-api-key', secrets.CRM_API_KEY],
  ['inventory', (a) => a.inventory.findReservation('k'), '/inventory/v1/reservations', 'authorization', `Bearer ${secrets.INVENTORY_TOKEN}`],
  ['provisioning', (a) => a.provisioning.status('PT-1'), '/provisioning/api/service-orders/PT-1', 'authorization', basic],
  ['billing', (a) => a.billing.findActivation('k'), '/billing/v3/activations', 'authorization', `Bearer ${secrets.BILLING_TOKEN}`],
  ['notification', (a) => a.notification.findSent('a@example.com', 'T'), '/notify/v1/messages', 'x-api-key', secrets.NOTIFICATION_API_KEY],
];

test.each(cases)('%s: calls under its base URL with its own credentials, which never reach the exchange', async (_name, call, path, header, value) => {
  server.respond({ status: 401, body: { message: 'no' } });
  const r = await call(adapters());
  expect(r).toMatchObject({ kind: 'failed', category: 'AUTH_FAILED' });
  const req = server.requests.at(-1);
  expect(req?.path).toBe(path);
  expect(req?.headers[header]).toBe(value);
  const stored = JSON.stringify(r);
  for (const secret of Object.values(secrets).filter((s) => s.includes('s3cr3t'))) expect(stored).not.toContain(secret);
  expect(stored).not.toContain(basic.slice(6));
});

test('every system has its client for circuit state, all closed at start', () => {
  const { circuits } = adapters();
  expect(Object.keys(circuits).sort()).toEqual([...EXTERNAL_SYSTEMS].sort());
  for (const system of EXTERNAL_SYSTEMS) {
    expect(circuits[system].system).toBe(system);
    expect(circuits[system].circuitOpen).toBe(false);
  }
});
