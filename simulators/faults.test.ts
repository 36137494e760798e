// Every fault type over real HTTP, and what each one does (or must not do) to the side effects.
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

const activation = { billingAccountId: 'BA-1', activationDate: '2025-03-01', chargeSnapshotVersion: 1, charges: [] };
const activate = (key: string, timeoutMs?: number) =>
  call(sim.url, 'POST', '/billing/v3/subscriptions/SUB-1/activation', { body: activation, headers: { ...auth.billing, 'idempotency-key': key }, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
const reservation = { resourceType: 'MSISDN', quantity: 1, orderRef: 'ORD-1', itemRef: 'ITEM-1', constraints: {} };
const reserve = (key: string) => call(sim.url, 'POST', '/inventory/v1/reservations', { body: reservation, headers: { ...auth.inventory, 'idempotency-key': key } });
const account = (custNo: string) => call(sim.url, 'GET', `/crm/v2/accounts/${custNo}`, { headers: auth.crm });
const timed = async <T>(run: () => Promise<T>): Promise<{ ms: number; outcome: T | Error }> => {
  const started = Date.now();
  const outcome = await run().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return { ms: Date.now() - started, outcome };
};

describe('latency', () => {
  it('delays the answer, which is otherwise the normal one', async () => {
    expect((await control.addFault({ system: 'crm', fault: { type: 'latency', ms: 250 } })).status).toBe(201);
    const { ms, outcome } = await timed(() => account('CUST-1'));
    expect(ms).toBeGreaterThanOrEqual(240);
    expect(outcome).toMatchObject({ status: 200, body: { custNo: 'CUST-1', acctStatus: 'A' } });
  });
});

describe('status', () => {
  it('answers the status in the system\'s own error shape and does not act', async () => {
    await control.addFault({ system: 'billing', operation: 'activateSubscription', fault: { type: 'status', status: 503 } });
    const res = await activate('K-503');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(res.headers.get('retry-after')).toBeNull();
    expect(sim.state.sideEffects.count()).toBe(0);
    // the same request afterwards is the first real one
    expect((await activate('K-503')).status).toBe(201);
  });

  it('sends Retry-After with a 429 (1 s unless told), and a given body as is', async () => {
    await control.addFault({ system: 'crm', fault: { type: 'status', status: 429 } });
    await control.addFault({ system: 'crm', fault: { type: 'status', status: 429, retryAfterSeconds: 7, body: { errCd: 'THROTTLED' } } });
    const first = await account('CUST-1');
    const second = await account('CUST-1');
    expect([first.status, first.headers.get('retry-after'), first.body.errCd]).toEqual([429, '1', 'RATE_LIMITED']);
    expect([second.status, second.headers.get('retry-after'), second.body]).toEqual([429, '7', { errCd: 'THROTTLED' }]);
  });
});

describe('timeout-after-commit', () => {
  it('performs and records the side effect, then answers too late for the client', async () => {
    await control.addFault({ system: 'billing', operation: 'activateSubscription', fault: { type: 'timeout-after-commit', ms: 1_000 } });
    const { outcome } = await timed(() => activate('K-TAC', 200));
    expect(outcome).toBeInstanceOf(Error);
    expect(sim.state.sideEffects.list({ system: 'billing', key: 'K-TAC' })).toHaveLength(1);
    // the retry finds the request done: a replay, not a second activation
    const retry = await activate('K-TAC');
    expect(retry.status).toBe(200);
    expect(sim.state.sideEffects.list({ system: 'billing', key: 'K-TAC' })).toHaveLength(1);
  });

  it('sends the normal answer once the delay is over', async () => {
    await control.addFault({ system: 'inventory', fault: { type: 'timeout-after-commit', ms: 200 } });
    const { ms, outcome } = await timed(() => reserve('K-LATE'));
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(outcome).toMatchObject({ status: 201, body: { state: 'HELD' } });
  });
});

describe('timeout-before-commit', () => {
  it('waits, drops the connection and does not act', async () => {
    await control.addFault({ system: 'billing', fault: { type: 'timeout-before-commit', ms: 200 } });
    const { ms, outcome } = await timed(() => activate('K-TBC'));
    expect(outcome).toBeInstanceOf(Error);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(sim.state.sideEffects.count()).toBe(0);
    // the retry is the first real request
    expect((await activate('K-TBC')).status).toBe(201);
    expect(sim.state.sideEffects.count({ key: 'K-TBC' })).toBe(1);
  });
});

describe('malformed', () => {
  it('answers 2xx with a body that lacks the contract\'s required fields', async () => {
    await control.addFault({ system: 'inventory', operation: 'createReservation', fault: 'malformed' });
    const res = await reserve('K-MAL');
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('reservationId');
    expect(res.body).toEqual({ result: 'OK' });
    // the system did act (a 2xx says so); the intact answer comes on replay
    expect(sim.state.sideEffects.count({ key: 'K-MAL' })).toBe(1);
    expect((await reserve('K-MAL')).body).toMatchObject({ reservationId: expect.any(String), state: 'HELD' });
  });

  it('leaves a refusal alone: a 4xx keeps its real answer', async () => {
    await control.addFault({ system: 'crm', fault: 'malformed' });
    const res = await account('CUST-UNKNOWN-1');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errCd: 'CUST_NOT_FOUND' });
    expect(sim.state.faults.list()).toHaveLength(0);
  });

  it('can answer 2xx with a body that is not JSON at all', async () => {
    await control.addFault({ system: 'crm', fault: { type: 'malformed', variant: 'not-json' } });
    const res = await account('CUST-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(() => JSON.parse(res.text)).toThrow();
  });
});

describe('auth', () => {
  it('answers 401 in the system\'s own shape even to valid credentials, and does not act', async () => {
    await control.addFault({ system: 'notification', fault: 'auth' });
    const res = await call(sim.url, 'POST', '/notify/v1/messages', { body: { template: 'T', to: 'a@b.cd', channel: 'EMAIL', ref: 'r', data: {} }, headers: auth.notification });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'UNAUTHORIZED', detail: expect.any(String) });
    expect(sim.state.sideEffects.count()).toBe(0);
  });
});

describe('drop-connection', () => {
  it('closes the socket without an answer, and does not act', async () => {
    await control.addFault({ system: 'inventory', operation: 'createReservation', fault: 'drop-connection' });
    const { outcome } = await timed(() => reserve('K-DROP'));
    expect(outcome).toBeInstanceOf(Error);
    expect(sim.state.sideEffects.count()).toBe(0);
    expect((await reserve('K-DROP')).status).toBe(201);
  });
});

describe('rule matching and counting', () => {
  it('applies a rule to as many matching requests as its times, then no more', async () => {
    await control.addFault({ system: 'crm', fault: { type: 'status', status: 500 }, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await account('CUST-1')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('keeps applying a times -1 rule until the rules are cleared', async () => {
    await control.addFault({ system: 'crm', fault: { type: 'status', status: 502 }, times: -1 });
    for (let i = 0; i < 4; i++) expect((await account('CUST-1')).status).toBe(502);
    expect((await control.clearFaults()).body).toEqual({ removed: 1 });
    expect((await account('CUST-1')).status).toBe(200);
  });

  it('applies only to requests whose fields match', async () => {
    await control.addFault({ system: 'crm', match: { custNo: 'CUST-2' }, fault: { type: 'status', status: 503 } });
    expect((await account('CUST-1')).status).toBe(200);
    expect((await account('CUST-2')).status).toBe(503);
    await control.addFault({ system: 'inventory', match: { 'constraints.stock': 5, orderRef: 'ORD-9' }, fault: { type: 'status', status: 500 } });
    expect((await reserve('K-A')).status).toBe(201);
    const matching = await call(sim.url, 'POST', '/inventory/v1/reservations', { body: { ...reservation, orderRef: 'ORD-9', constraints: { stock: 5 } }, headers: auth.inventory });
    expect(matching.status).toBe(500);
  });

  it('comes before the credential check: a fault stands for the network in front of the system', async () => {
    await control.addFault({ system: 'crm', fault: { type: 'status', status: 503 } });
    expect((await call(sim.url, 'GET', '/crm/v2/accounts/CUST-1')).status).toBe(503);
    expect((await call(sim.url, 'GET', '/crm/v2/accounts/CUST-1')).status).toBe(401);
  });
});
