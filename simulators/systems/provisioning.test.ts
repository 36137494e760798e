import { verifyProvisioningSignature } from '../../src/adapters/provisioning/signature.ts';
import { startSimulators, type RunningSimulators } from '../server.ts';
import { startCallbackReceiver, type CallbackReceiver } from '../testing/callback-receiver.ts';
import { TEST_CREDENTIALS, authHeaders, call, eventually, simControl, sleep } from '../testing/sim-client.ts';

const COMPLETION_MS = 300;
let sim: RunningSimulators;
let receiver: CallbackReceiver | undefined;
const auth = authHeaders().provisioning;

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: COMPLETION_MS, callbackRetryDelaysMs: [20, 40, 80] });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const order = (over: Record<string, unknown> = {}) => ({ clientTxnRef: 'TXN-1', action: 'ADD', svcSpec: 'FIBER-1G', params: { port: 12, vlan: '100' }, orderRef: 'ORD-1', itemRef: 'ITEM-1', ...over });
const submit = (body: unknown, headers: Record<string, string> = auth) => call(sim.url, 'POST', '/provisioning/api/service-orders', { body, headers });
const status = (provTxnRef: string) => call(sim.url, 'GET', `/provisioning/api/service-orders/${provTxnRef}`, { headers: auth });
const finished = (provTxnRef: string) =>
  eventually(async () => {
    const res = await status(provTxnRef);
    return ['DONE', 'ERR', 'ERR2'].includes(res.body.status) ? res.body : undefined;
  });

describe('provisioning POST /provisioning/api/service-orders', () => {
  it('accepts with 202 ACK, then moves ACK → INPROG → DONE and assigns a service instance', async () => {
    const accepted = await submit(order());
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ provTxnRef: expect.stringMatching(/^PTX-/), status: 'ACK' });
    const seen: string[] = [];
    const done = await eventually(async () => {
      const { body } = await status(accepted.body.provTxnRef);
      if (seen.at(-1) !== body.status) seen.push(body.status);
      return body.status === 'DONE' ? body : undefined;
    });
    expect(seen).toEqual(['ACK', 'INPROG', 'DONE']);
    expect(done).toEqual({ provTxnRef: accepted.body.provTxnRef, clientTxnRef: 'TXN-1', orderRef: 'ORD-1', itemRef: 'ITEM-1', status: 'DONE', svcInstanceId: expect.stringMatching(/^SVC-/) });
    expect(sim.state.sideEffects.list({ system: 'provisioning' })).toEqual([expect.objectContaining({ operation: 'submitServiceOrder', idempotencyKey: 'TXN-1', ref: 'ORD-1/ITEM-1' })]);
  });

  it('answers the same clientTxnRef and payload with 200 duplicate, the same provTxnRef, and no new side effect', async () => {
    const first = await submit(order());
    const again = await submit(order());
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ provTxnRef: first.body.provTxnRef, status: expect.stringMatching(/^(ACK|INPROG|DONE)$/), duplicate: true });
    expect(sim.state.sideEffects.count({ system: 'provisioning' })).toBe(1);
    expect(sim.state.provisioning.serviceOrders.size).toBe(1);
  });

  it('answers the same clientTxnRef with another payload with 409 DUP_TXN naming what it holds', async () => {
    await submit(order());
    const res = await submit(order({ orderRef: 'ORD-2', itemRef: 'ITEM-9' }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ errCd: 'DUP_TXN', errMsg: expect.any(String), existingOrderRef: 'ORD-1', existingItemRef: 'ITEM-1' });
    expect(sim.state.sideEffects.count({ system: 'provisioning' })).toBe(1);
  });

  it.each([
    ['an unknown action', order({ action: 'MODIFY' })],
    ['a nested parameter', order({ params: { nested: { a: 1 } } })],
    ['a callbackUrl that is not a URL', order({ callbackUrl: 'not a url' })],
    ['invalid JSON', '{"clientTxnRef":'],
  ])('answers %s with 400 INVALID_PARAM', async (_what, body) => {
    const res = await submit(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errCd: 'INVALID_PARAM', errMsg: expect.any(String) });
    expect(sim.state.sideEffects.count()).toBe(0);
  });

  it('ends service specification SPEC-FAIL in ERR, without a service instance', async () => {
    const accepted = await submit(order({ svcSpec: 'SPEC-FAIL' }));
    expect(accepted.status).toBe(202);
    const result = await finished(accepted.body.provTxnRef);
    expect(result).toEqual(expect.objectContaining({ status: 'ERR', errCd: 'SPEC_FAILED', errMsg: expect.stringContaining('SPEC-FAIL') }));
    expect(result).not.toHaveProperty('svcInstanceId');
  });

  it('ends an accepted order in ERR (or ERR2) under an async-failure fault, which a read does not use up', async () => {
    await simControl(sim.url).addFault({ system: 'provisioning', fault: { type: 'async-failure', errCd: 'NE-TIMEOUT', errMsg: 'network element did not answer' } });
    await simControl(sim.url).addFault({ system: 'provisioning', operation: 'submitServiceOrder', match: { clientTxnRef: 'TXN-B' }, fault: { type: 'async-failure', errCd: 'X', errMsg: 'y', status: 'ERR2' } });
    expect((await call(sim.url, 'GET', '/provisioning/api/service-orders?clientTxnRef=none', { headers: auth })).status).toBe(200);
    const a = await submit(order());
    const b = await submit(order({ clientTxnRef: 'TXN-B' }));
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await finished(a.body.provTxnRef)).toMatchObject({ status: 'ERR', errCd: 'NE-TIMEOUT', errMsg: 'network element did not answer' });
    expect(await finished(b.body.provTxnRef)).toMatchObject({ status: 'ERR2', errCd: 'X' });
    expect(sim.state.faults.list()).toHaveLength(0);
  });

  it('removes the named service instance on DELETE', async () => {
    const accepted = await submit(order({ clientTxnRef: 'TXN-DEL', action: 'DELETE', params: { svcInstanceId: 'SVC-OLD-1' } }));
    expect(await finished(accepted.body.provTxnRef)).toMatchObject({ status: 'DONE', svcInstanceId: 'SVC-OLD-1' });
  });

  it('refuses wrong Basic credentials with 401 and a Basic challenge', async () => {
    const wrong = `Basic ${Buffer.from(`${TEST_CREDENTIALS.provisioningUsername}:wrong`).toString('base64')}`;
    const res = await submit(order(), { authorization: wrong });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(res.body).toMatchObject({ errCd: 'UNAUTHORIZED' });
    expect((await submit(order(), {})).status).toBe(401);
  });
});

describe('provisioning reads', () => {
  it('answers an unknown provTxnRef with 404 NO_SUCH_TXN', async () => {
    const res = await status('PTX-NOPE');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ errCd: 'NO_SUCH_TXN' });
  });

  it('finds an order by clientTxnRef, and nothing for another one', async () => {
    const accepted = await submit(order());
    const found = await call(sim.url, 'GET', '/provisioning/api/service-orders?clientTxnRef=TXN-1', { headers: auth });
    expect(found.body).toEqual({ items: [expect.objectContaining({ provTxnRef: accepted.body.provTxnRef, clientTxnRef: 'TXN-1', orderRef: 'ORD-1', itemRef: 'ITEM-1' })] });
    expect((await call(sim.url, 'GET', '/provisioning/api/service-orders?clientTxnRef=TXN-X', { headers: auth })).body).toEqual({ items: [] });
  });
});

describe('provisioning callbacks', () => {
  it('POSTs the final state to the callbackUrl', async () => {
    receiver = await startCallbackReceiver();
    const accepted = await submit(order({ callbackUrl: receiver.url }));
    const [callback] = await eventually(() => (receiver!.received.length > 0 ? receiver!.received : undefined));
    expect(callback?.contentType).toMatch(/application\/json/);
    // signed the way the provider signs: the farm verifies it with the same secret
    const signing = { secrets: [TEST_CREDENTIALS.provisioningSigningSecret], toleranceSeconds: 60 };
    expect(verifyProvisioningSignature(callback?.headers, callback?.raw ?? '', signing)).toEqual({ ok: true });
    expect(verifyProvisioningSignature(callback?.headers, callback?.raw ?? '', { ...signing, secrets: ['another-secret-0123456789'] })).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(callback?.body).toEqual({ provTxnRef: accepted.body.provTxnRef, clientTxnRef: 'TXN-1', orderRef: 'ORD-1', itemRef: 'ITEM-1', status: 'DONE', svcInstanceId: expect.any(String) });
    expect(callback?.body).toEqual((await status(accepted.body.provTxnRef)).body);
  });

  it('retries a failed callback until the receiver takes it', async () => {
    receiver = await startCallbackReceiver([500, 503]);
    const accepted = await submit(order({ svcSpec: 'SPEC-FAIL', callbackUrl: receiver.url }));
    await eventually(() => (receiver!.received.length === 3 ? true : undefined));
    expect(receiver.received.map((r) => r.answeredWith)).toEqual([500, 503, 200]);
    expect(receiver.received[2]?.body).toMatchObject({ status: 'ERR', errCd: 'SPEC_FAILED' });
    const attempts = await call(sim.url, 'GET', `/__sim/callbacks?provTxnRef=${accepted.body.provTxnRef}`);
    expect(attempts.body).toEqual([
      expect.objectContaining({ attempt: 1, delivered: false, status: 500 }),
      expect.objectContaining({ attempt: 2, delivered: false, status: 503 }),
      expect.objectContaining({ attempt: 3, delivered: true, status: 200 }),
    ]);
  });

  it('gives up after three retries to a dead receiver, and keeps serving', async () => {
    receiver = await startCallbackReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    receiver = undefined;
    const accepted = await submit(order({ callbackUrl: deadUrl }));
    const attempts = await eventually(() => {
      const o = sim.state.provisioning.serviceOrders.get(accepted.body.provTxnRef);
      return o && o.callbackAttempts.length === 4 ? o.callbackAttempts : undefined;
    });
    expect(attempts.every((a) => !a.delivered && a.error !== undefined)).toBe(true);
    await sleep(200);
    expect(sim.state.provisioning.serviceOrders.get(accepted.body.provTxnRef)?.callbackAttempts).toHaveLength(4);
    expect((await status(accepted.body.provTxnRef)).body.status).toBe('DONE');
  });
});

describe('provisioning timers', () => {
  it('close() cancels pending completions and callbacks at once', async () => {
    receiver = await startCallbackReceiver();
    const slow = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 150 });
    const accepted = await call(slow.url, 'POST', '/provisioning/api/service-orders', { body: order({ callbackUrl: receiver.url }), headers: auth });
    expect(accepted.status).toBe(202);
    const started = Date.now();
    await slow.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await sleep(300);
    expect(receiver.received).toHaveLength(0);
    expect(slow.state.provisioning.serviceOrders.get(accepted.body.provTxnRef)?.status).toBe('ACK');
  });

  it('reset() forgets orders and cancels their completion', async () => {
    receiver = await startCallbackReceiver();
    await submit(order({ callbackUrl: receiver.url }));
    sim.state.reset();
    await sleep(COMPLETION_MS + 100);
    expect(receiver.received).toHaveLength(0);
    expect(sim.state.provisioning.serviceOrders.size).toBe(0);
  });
});
