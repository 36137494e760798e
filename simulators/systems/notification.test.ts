import { startSimulators, type RunningSimulators } from '../server.ts';
import { TEST_CREDENTIALS, authHeaders, call } from '../testing/sim-client.ts';

let sim: RunningSimulators;
const auth = authHeaders().notification;

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS });
});
afterAll(() => sim.close());
beforeEach(() => sim.state.reset());

const message = (over: Record<string, unknown> = {}) => ({ template: 'ORDER_COMPLETED', to: 'ann@example.com', channel: 'EMAIL', ref: 'notification:ORDER_COMPLETED:ORD-1:ann', data: { orderId: 'ORD-1' }, ...over });
const send = (body: unknown, headers: Record<string, string> = auth) => call(sim.url, 'POST', '/notify/v1/messages', { body, headers });

describe('notification POST /notify/v1/messages', () => {
  it('queues the message with 202 and records it as sent', async () => {
    const res = await send(message());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ messageId: expect.stringMatching(/^MSG-/), status: 'QUEUED' });
    expect(sim.state.sideEffects.list({ system: 'notification' })).toEqual([expect.objectContaining({ operation: 'sendMessage', ref: 'notification:ORDER_COMPLETED:ORD-1:ann' })]);
    expect(sim.state.sideEffects.list({ system: 'notification' })[0]).not.toHaveProperty('idempotencyKey');
  });

  it('has no idempotency: the same POST twice sends two messages, both side effects with the same payload hash', async () => {
    const a = await send(message(), { ...auth, 'idempotency-key': 'ignored' });
    const b = await send(message(), { ...auth, 'idempotency-key': 'ignored' });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.messageId).not.toBe(b.body.messageId);
    const effects = sim.state.sideEffects.list({ system: 'notification', ref: 'notification:ORDER_COMPLETED:ORD-1:ann' });
    expect(effects).toHaveLength(2);
    expect(effects[0]?.payloadHash).toBe(effects[1]?.payloadHash);
  });

  it('answers a recipient that is not an e-mail address with 400 INVALID_RECIPIENT', async () => {
    const res = await send(message({ to: 'ann at example' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'INVALID_RECIPIENT', detail: expect.stringContaining('ann at example') });
    expect(sim.state.sideEffects.count()).toBe(0);
  });

  it.each([
    ['another channel', message({ channel: 'SMS' })],
    ['a missing template', { to: 'ann@example.com', channel: 'EMAIL', ref: 'r', data: {} }],
    ['invalid JSON', '{'],
  ])('answers %s with 400 INVALID_REQUEST', async (_what, body) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'INVALID_REQUEST', detail: expect.any(String) });
  });

  it('refuses a wrong API key with 401', async () => {
    const res = await send(message(), { 'x-api-key': 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'UNAUTHORIZED' });
    expect(sim.state.sideEffects.count()).toBe(0);
  });
});

describe('notification GET /notify/v1/messages', () => {
  it('lists the messages sent to a recipient with a template', async () => {
    const sent = await send(message());
    await send(message({ template: 'ORDER_FAILED' }));
    await send(message({ to: 'bob@example.com' }));
    const res = await call(sim.url, 'GET', '/notify/v1/messages?to=ann%40example.com&template=ORDER_COMPLETED', { headers: auth });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [{ messageId: sent.body.messageId, to: 'ann@example.com', template: 'ORDER_COMPLETED', ref: 'notification:ORDER_COMPLETED:ORD-1:ann', sentAt: expect.any(String) }] });
    expect((await call(sim.url, 'GET', '/notify/v1/messages?to=ann%40example.com', { headers: auth })).body.items).toHaveLength(2);
  });
});
