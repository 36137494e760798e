import { startSimulators, type RunningSimulators } from '../server.ts';
import { TEST_CREDENTIALS, authHeaders, call } from '../testing/sim-client.ts';

let sim: RunningSimulators;
const auth = authHeaders().inventory;

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

const request = (over: Record<string, unknown> = {}) => ({ resourceType: 'MSISDN', quantity: 2, orderRef: 'ORD-1', itemRef: 'ITEM-1', constraints: { region: 'north' }, ...over });
const reserve = (body: unknown, key?: string, headers: Record<string, string> = auth) =>
  call(sim.url, 'POST', '/inventory/v1/reservations', { body, headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) } });
const effects = (operation: string) => sim.state.sideEffects.list({ system: 'inventory', operation });

describe('inventory POST /inventory/v1/reservations', () => {
  it('holds the resources and records one side effect', async () => {
    const res = await reserve(request(), 'K-1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ reservationId: expect.stringMatching(/^RSV-/), state: 'HELD', resources: [expect.any(Object), expect.any(Object)], expiresAt: expect.any(String) });
    expect(res.body.resources[0]).toEqual({ resourceId: expect.any(String), value: expect.stringMatching(/^\d+$/) });
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(effects('createReservation')).toEqual([{ system: 'inventory', operation: 'createReservation', idempotencyKey: 'K-1', ref: 'ORD-1/ITEM-1', at: expect.any(String), payloadHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it.each([
    ['PHONE_NUMBER', /^\d{12}$/],
    ['IP_ADDRESS', /^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/],
    ['PORT', /^OLT-\d+\/\d+\/\d+$/],
    ['DEVICE', /^SN-[0-9A-F]{8}$/],
  ])('hands out %s values in their own format', async (resourceType, format) => {
    const res = await reserve(request({ resourceType, quantity: 1 }));
    expect(res.body.resources[0].value).toMatch(format);
  });

  it('replays the same key and body with 200, the same body and Idempotent-Replayed, without a second side effect', async () => {
    const first = await reserve(request(), 'K-2');
    // field order does not make it another body
    const { constraints, ...rest } = request();
    const again = await reserve({ constraints, ...rest }, 'K-2');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(effects('createReservation')).toHaveLength(1);
  });

  it('refuses the same key with another body: 409 IDEMPOTENCY_KEY_REUSED, nothing reserved', async () => {
    await reserve(request(), 'K-3');
    const res = await reserve(request({ quantity: 3 }), 'K-3');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) });
    expect(effects('createReservation')).toHaveLength(1);
    expect(sim.state.inventory.reservations.size).toBe(1);
  });

  it('reserves again for every request without an Idempotency-Key', async () => {
    const a = await reserve(request());
    const b = await reserve(request());
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.reservationId).not.toBe(b.body.reservationId);
    expect(effects('createReservation').map((e) => e.idempotencyKey)).toEqual([undefined, undefined]);
  });

  it.each([0, '0'])('answers constraint stock %j with 422 OUT_OF_STOCK and reserves nothing', async (stock) => {
    const res = await reserve(request({ constraints: { stock } }), 'K-4');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ code: 'OUT_OF_STOCK', message: expect.any(String) });
    expect(sim.state.sideEffects.count()).toBe(0);
  });

  it('reserves when the stock constraint covers the quantity', async () => {
    expect((await reserve(request({ constraints: { stock: 2 } }), 'K-5')).status).toBe(201);
  });

  it.each([
    ['invalid JSON', '{"resourceType": "MSISDN",'],
    ['a missing field', { resourceType: 'MSISDN', quantity: 1, orderRef: 'O', constraints: {} }],
    ['a zero quantity', { resourceType: 'MSISDN', quantity: 0, orderRef: 'O', itemRef: 'I', constraints: {} }],
    ['a JSON array', []],
  ])('answers %s with 400 INVALID_REQUEST', async (_what, body) => {
    const res = await reserve(body, 'K-6');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'INVALID_REQUEST', message: expect.any(String) });
  });

  it('answers a missing body with 400 INVALID_REQUEST', async () => {
    const res = await call(sim.url, 'POST', '/inventory/v1/reservations', { headers: auth });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', message: 'request body is missing' });
  });

  it('refuses a wrong bearer token with 401 and a challenge', async () => {
    const res = await reserve(request(), 'K-7', { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(sim.state.sideEffects.count()).toBe(0);
  });
});

describe('inventory DELETE /inventory/v1/reservations/{reservationId}', () => {
  it('releases once; a second release answers the same and is not a second side effect', async () => {
    const { body } = await reserve(request(), 'K-10');
    const release = () => call(sim.url, 'DELETE', `/inventory/v1/reservations/${body.reservationId}`, { headers: auth });
    const first = await release();
    const second = await release();
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ reservationId: body.reservationId, state: 'RELEASED' });
    expect(second.body).toEqual(first.body);
    expect(effects('releaseReservation')).toEqual([expect.objectContaining({ ref: 'ORD-1/ITEM-1' })]);
    expect(effects('releaseReservation')[0]).not.toHaveProperty('idempotencyKey');
  });

  it('answers an unknown reservation with 404 NOT_FOUND', async () => {
    const res = await call(sim.url, 'DELETE', '/inventory/v1/reservations/RSV-NOPE', { headers: auth });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('inventory GET /inventory/v1/reservations?idempotencyKey=', () => {
  it('finds the reservation made under a key, with its current state', async () => {
    const { body } = await reserve(request(), 'K-20');
    await call(sim.url, 'DELETE', `/inventory/v1/reservations/${body.reservationId}`, { headers: auth });
    const res = await call(sim.url, 'GET', '/inventory/v1/reservations?idempotencyKey=K-20', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [{ ...body, state: 'RELEASED' }] });
  });

  it('answers an empty list for an unknown key, and 400 without one', async () => {
    expect((await call(sim.url, 'GET', '/inventory/v1/reservations?idempotencyKey=K-NONE', { headers: auth })).body).toEqual({ items: [] });
    expect((await call(sim.url, 'GET', '/inventory/v1/reservations', { headers: auth })).status).toBe(400);
  });
});
