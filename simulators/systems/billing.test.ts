import { startSimulators, type RunningSimulators } from '../server.ts';
import { TEST_CREDENTIALS, authHeaders, call } from '../testing/sim-client.ts';

let sim: RunningSimulators;
const auth = authHeaders().billing;

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

const activation = (over: Record<string, unknown> = {}) => ({
  billingAccountId: 'BA-1001',
  activationDate: '2025-03-01',
  chargeSnapshotVersion: 1,
  charges: [{ chargeCode: 'MRC-FIBER', amount: '49.90', currency: 'EUR', frequency: 'MONTHLY', type: 'RECURRING' }],
  ...over,
});
const activate = (subscriptionId: string, body: unknown, key?: string, headers: Record<string, string> = auth) =>
  call(sim.url, 'POST', `/billing/v3/subscriptions/${subscriptionId}/activation`, { body, headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) } });
const activations = () => sim.state.sideEffects.list({ system: 'billing', operation: 'activateSubscription' });

describe('billing POST /billing/v3/subscriptions/{subscriptionId}/activation', () => {
  it('activates with 201 and records one side effect for the subscription', async () => {
    const res = await activate('SUB-1', activation(), 'BK-1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ activationId: expect.stringMatching(/^ACT-/), billingSubscriptionRef: expect.stringMatching(/^BSUB-/), state: 'ACTIVE', activatedAt: expect.any(String) });
    expect(activations()).toEqual([expect.objectContaining({ idempotencyKey: 'BK-1', ref: 'SUB-1' })]);
  });

  it('replays the same key and body with 200 and the same body, without a second activation', async () => {
    const first = await activate('SUB-1', activation(), 'BK-1');
    const again = await activate('SUB-1', activation(), 'BK-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(activations()).toHaveLength(1);
  });

  it.each([
    ['another charge snapshot', 'SUB-1', activation({ chargeSnapshotVersion: 2 })],
    ['another subscription', 'SUB-2', activation()],
  ])('answers the same key with %s with 409 IDEMPOTENCY_MISMATCH', async (_what, subscriptionId, body) => {
    await activate('SUB-1', activation(), 'BK-1');
    const res = await activate(subscriptionId, body, 'BK-1');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'IDEMPOTENCY_MISMATCH', message: expect.any(String) });
    expect(activations()).toHaveLength(1);
  });

  it('answers an active subscription under another key with 409 ALREADY_ACTIVE and the active snapshot version', async () => {
    await activate('SUB-1', activation({ chargeSnapshotVersion: 3 }), 'BK-1');
    const res = await activate('SUB-1', activation({ chargeSnapshotVersion: 4 }), 'BK-2');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'ALREADY_ACTIVE', message: expect.any(String), activeSnapshotVersion: 3 });
    expect(activations()).toHaveLength(1);
  });

  it('refuses billing account BA-REJECT with 422 BIL-ERR-7781 and activates nothing', async () => {
    const res = await activate('SUB-1', activation({ billingAccountId: 'BA-REJECT' }), 'BK-1');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ code: 'BIL-ERR-7781', message: expect.any(String) });
    expect(activations()).toHaveLength(0);
    // not remembered: the same key may activate once the account is fixed
    expect((await activate('SUB-1', activation(), 'BK-1')).status).toBe(201);
  });

  it('activates a BA-REJECT account the billing team made eligible, under the key it refused, and forgets that on reset', async () => {
    expect((await activate('SUB-1', activation({ billingAccountId: 'BA-REJECT-7' }), 'BK-1')).status).toBe(422);
    const fixed = await call(sim.url, 'PUT', '/__sim/billing/eligible-accounts/BA-REJECT-7');
    expect(fixed).toMatchObject({ status: 200, body: { billingAccountId: 'BA-REJECT-7', eligible: true } });
    expect((await activate('SUB-1', activation({ billingAccountId: 'BA-REJECT-7' }), 'BK-1')).status).toBe(201);
    // another refused account is still refused
    expect((await activate('SUB-2', activation({ billingAccountId: 'BA-REJECT-8' }), 'BK-2')).status).toBe(422);
    sim.state.reset();
    expect((await activate('SUB-3', activation({ billingAccountId: 'BA-REJECT-7' }), 'BK-3')).status).toBe(422);
  });

  it.each([
    ['an amount as a number', activation({ charges: [{ chargeCode: 'C', amount: 49.9, currency: 'EUR', frequency: 'MONTHLY', type: 'RECURRING' }] })],
    ['an activation date that is not a date', activation({ activationDate: 'tomorrow' })],
    ['no charges field', { billingAccountId: 'BA-1', activationDate: '2025-03-01', chargeSnapshotVersion: 1 }],
    ['invalid JSON', 'nope'],
  ])('answers %s with 400 BIL-ERR-1000', async (_what, body) => {
    const res = await activate('SUB-1', body, 'BK-1');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'BIL-ERR-1000', message: expect.any(String) });
  });

  it('refuses a missing token with 401', async () => {
    const res = await activate('SUB-1', activation(), 'BK-1', {});
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(activations()).toHaveLength(0);
  });
});

describe('billing GET /billing/v3/activations?idempotencyKey=', () => {
  it('finds the activation made under a key, with its subscription', async () => {
    const { body } = await activate('SUB-7', activation(), 'BK-7');
    const res = await call(sim.url, 'GET', '/billing/v3/activations?idempotencyKey=BK-7', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [{ ...body, subscriptionId: 'SUB-7' }] });
    expect((await call(sim.url, 'GET', '/billing/v3/activations?idempotencyKey=BK-0', { headers: auth })).body).toEqual({ items: [] });
    expect((await call(sim.url, 'GET', '/billing/v3/activations', { headers: auth })).body).toMatchObject({ code: 'BIL-ERR-1000' });
  });
});
