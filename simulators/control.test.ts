// The control API (/__sim) and how startSimulators is configured.
import { loadConfig } from '../src/platform/config.ts';
import { startSimulators, type RunningSimulators } from './server.ts';
import { TEST_CREDENTIALS, authHeaders, call, simControl } from './testing/sim-client.ts';

let sim: RunningSimulators;
let control: ReturnType<typeof simControl>;
const auth = authHeaders();

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
  control = simControl(sim.url);
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

const reserve = (key: string, orderRef = 'ORD-1') =>
  call(sim.url, 'POST', '/inventory/v1/reservations', { body: { resourceType: 'IP_ADDRESS', quantity: 1, orderRef, itemRef: 'ITEM-1', constraints: {} }, headers: { ...auth.inventory, 'idempotency-key': key } });
const notify = (ref: string) => call(sim.url, 'POST', '/notify/v1/messages', { body: { template: 'T', to: 'a@b.cd', channel: 'EMAIL', ref, data: {} }, headers: auth.notification });

describe('POST /__sim/faults', () => {
  it('installs a rule and answers it with its id and remaining uses', async () => {
    const res = await control.addFault({ system: 'inventory', operation: 'createReservation', match: { orderRef: 'ORD-1' }, fault: { type: 'latency', ms: 10 }, times: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^FR-\d+$/), system: 'inventory', operation: 'createReservation', match: { orderRef: 'ORD-1' }, fault: { type: 'latency', ms: 10 }, times: 3, remaining: 3 });
    expect((await call(sim.url, 'GET', '/__sim/faults')).body).toEqual([res.body]);
  });

  it.each([
    [{ system: 'erp', fault: 'auth' }, /unknown system/],
    [{ system: 'crm', operation: 'deleteAccount', fault: 'auth' }, /unknown operation/],
    [{ system: 'inventory', fault: 'async-failure' }, /asynchronous/],
    [{ system: 'crm', fault: { type: 'latency' } }, /fault/],
    [{ system: 'crm', fault: 'auth', times: 0 }, /times/],
    ['{not json', /not valid JSON/],
  ])('refuses %j with 400 and says why', async (rule, reason) => {
    const res = await control.addFault(rule);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'INVALID_FAULT_RULE', detail: expect.stringMatching(reason) });
    expect(sim.state.faults.list()).toHaveLength(0);
  });
});

describe('GET /__sim/side-effects', () => {
  it('lists the record, filtered by system, operation, key and ref', async () => {
    await reserve('K-1');
    await reserve('K-2', 'ORD-2');
    await notify('N-1');
    await notify('N-1');
    const all = await control.sideEffects();
    expect(all).toHaveLength(4);
    expect(all[0]).toEqual({ system: 'inventory', operation: 'createReservation', idempotencyKey: 'K-1', ref: 'ORD-1/ITEM-1', at: expect.any(String), payloadHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await control.sideEffects({ system: 'inventory' })).toHaveLength(2);
    expect(await control.sideEffects({ key: 'K-2' })).toEqual([expect.objectContaining({ ref: 'ORD-2/ITEM-1' })]);
    expect(await control.sideEffects({ system: 'notification', ref: 'N-1' })).toHaveLength(2);
    expect(await control.sideEffects({ operation: 'sendMessage', ref: 'ORD-1/ITEM-1' })).toEqual([]);
  });
});

describe('POST /__sim/reset', () => {
  it('forgets records, rules and the systems\' state', async () => {
    await reserve('K-1');
    await control.addFault({ system: 'crm', fault: 'auth', times: -1 });
    expect((await control.reset()).status).toBe(204);
    expect(await control.sideEffects()).toEqual([]);
    expect((await call(sim.url, 'GET', '/__sim/faults')).body).toEqual([]);
    expect((await call(sim.url, 'GET', '/inventory/v1/reservations?idempotencyKey=K-1', { headers: auth.inventory })).body).toEqual({ items: [] });
    // the key is free again: a new reservation, not a replay
    expect((await reserve('K-1')).status).toBe(201);
  });
});

describe('the rest of /__sim', () => {
  it('answers health, and 404 elsewhere', async () => {
    expect((await call(sim.url, 'GET', '/__sim/health')).body).toEqual({ status: 'UP' });
    expect((await call(sim.url, 'GET', '/__sim/nothing')).status).toBe(404);
    expect((await call(sim.url, 'GET', '/elsewhere')).body).toEqual({ error: 'NOT_FOUND', detail: expect.any(String) });
  });
});

describe('startSimulators configuration', () => {
  it('expects the configured credentials when none are injected, and lets single ones be overridden', async () => {
    const config = loadConfig();
    const defaults = await startSimulators({ port: 0, credentials: { crmApiKey: 'only-crm-changed' } });
    try {
      expect(defaults.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await call(defaults.url, 'GET', '/crm/v2/accounts/CUST-1', { headers: { 'x-api-key': 'only-crm-changed' } })).status).toBe(200);
      expect((await call(defaults.url, 'GET', '/crm/v2/accounts/CUST-1', { headers: { 'x-api-key': config.CRM_API_KEY } })).status).toBe(401);
      const billing = await call(defaults.url, 'GET', '/billing/v3/activations?idempotencyKey=x', { headers: { authorization: `Bearer ${config.BILLING_TOKEN}` } });
      expect(billing.status).toBe(200);
    } finally {
      await defaults.close();
    }
  });

  it('close() does not wait for a request held by a timeout fault', async () => {
    const held = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
    await simControl(held.url).addFault({ system: 'crm', fault: { type: 'timeout-after-commit', ms: 60_000 } });
    const pending = call(held.url, 'GET', '/crm/v2/accounts/CUST-1', { headers: auth.crm }).then(
      (res) => res.status,
      () => 'connection closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await held.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe('connection closed');
  });

  it('stops listening on close()', async () => {
    const short = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
    await short.close();
    await expect(call(short.url, 'GET', '/__sim/health')).rejects.toThrow();
  });
});
