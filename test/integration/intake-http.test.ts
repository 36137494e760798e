// The intake and operator APIs answer what contracts/openapi/intake.yaml and operator.yaml promise,
// for good requests and for every kind of bad one: each answer is checked against its document
// (status documented, media type, body schema with no undocumented fields, required headers).
import { randomUUID } from 'node:crypto';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { conformanceProblems, loadBundled, record, type RecordedAnswer } from '../support/http-conformance.ts';
import { providerSigningSecret, signedCallbackHeaders } from '../support/signed-callback.ts';
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../../src/platform/config.ts';
import { apiAuthorization } from '../../stack/api-tokens.ts';

const intakeDoc = loadBundled('intake');
const operatorDoc = loadBundled('operator');
const json = (...extra: Record<string, string>[]) => Object.assign({ 'content-type': 'application/json' }, ...extra) as Record<string, string>;

let h: FulfillmentHarness;
// bearer tokens of the stack's API clients, one per role
let asIntake: { authorization: string };
let asOperator: { authorization: string };
let asViewer: { authorization: string };
beforeAll(async () => {
  h = await FulfillmentHarness.start();
  [asIntake, asOperator, asViewer] = await Promise.all([apiAuthorization('intake'), apiAuthorization('operator'), apiAuthorization('viewer')]);
});
afterAll(async () => {
  await h.close();
});

function conforms(answer: RecordedAnswer, doc = intakeDoc): RecordedAnswer {
  expect(conformanceProblems(doc, answer)).toEqual([]);
  return answer;
}

const problemCode = (answer: RecordedAnswer) => String((answer.body as { type?: unknown }).type).replace('urn:fulfillment:problem:', '');

describe('POST /orders', () => {
  test('accepts an order, replays it for the same key and body, refuses the key with another body', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const first = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, { 'idempotency-key': key, 'x-correlation-id': 'corr-1' }), body: JSON.stringify(order) }));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'ACCEPTED', correlationId: 'corr-1' });
    expect(first.headers.get('location')).toBe(`/orders/${(first.body as { orderId: string }).orderId}`);

    const again = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, { 'idempotency-key': key, 'x-correlation-id': 'corr-1' }), body: JSON.stringify(order) }));
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    const other = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, { 'idempotency-key': key }), body: JSON.stringify(sampleOrder()) }));
    expect([other.status, problemCode(other)]).toEqual([409, 'idempotency-key-reused']);
  });

  test.each([
    ['no Idempotency-Key', {}, JSON.stringify(sampleOrder()), 400, 'idempotency-key-required'],
    ['an Idempotency-Key with spaces', { 'idempotency-key': 'a key' }, JSON.stringify(sampleOrder()), 400, 'idempotency-key-required'],
    ['a bad X-Correlation-Id', { 'idempotency-key': 'k1', 'x-correlation-id': 'not valid!' }, JSON.stringify(sampleOrder()), 400, 'bad-correlation-id'],
    ['a body that is not JSON', { 'idempotency-key': 'k2' }, '{"tenantId": ', 400, 'bad-request'],
    ['a JSON array', { 'idempotency-key': 'k3' }, '[]', 400, 'invalid-order'],
  ])('refuses %s with a problem naming it', async (_name, headers, body, status, code) => {
    const answer = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, headers), body }));
    expect([answer.status, problemCode(answer)]).toEqual([status, code]);
  });

  test('an order breaking its contract lists every bad field', async () => {
    const order = sampleOrder();
    const broken = { ...order, items: [{ ...order.items[0], quantity: 0 }], subscription: { ...order.subscription, charges: [] } };
    const answer = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, { 'idempotency-key': `k-${randomUUID()}` }), body: JSON.stringify(broken) }));
    expect([answer.status, problemCode(answer)]).toEqual([400, 'invalid-order']);
    expect((answer.body as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual(['items.0.quantity', 'subscription.charges']);
  });

  test('a body in another media type, and one above the size limit, are refused as documented', async () => {
    const text = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: { ...asIntake, 'content-type': 'text/plain', 'idempotency-key': 'k4' }, body: 'hello' }));
    expect([text.status, problemCode(text)]).toEqual([415, 'bad-request']);
    const huge = conforms(await record(h.intakeUrl, 'POST', '/orders', { headers: json(asIntake, { 'idempotency-key': 'k5' }), body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) }));
    expect([huge.status, problemCode(huge)]).toEqual([413, 'bad-request']);
  });
});

describe('GET /orders/{orderId}', () => {
  test('shows an accepted order with its tasks, and a problem for an unknown one', async () => {
    const orderId = await h.submitOrder(sampleOrder());
    await h.awaitOrderStatus(orderId, 'COMPLETED', 60_000);
    const found = conforms(await record(h.intakeUrl, 'GET', `/orders/${orderId}`, { headers: asViewer }));
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ orderId, status: 'COMPLETED' });
    expect((found.body as { tasks: unknown[] }).tasks.length).toBeGreaterThan(0);

    const missing = conforms(await record(h.intakeUrl, 'GET', '/orders/ord-does-not-exist', { headers: asIntake }));
    expect([missing.status, problemCode(missing)]).toEqual([404, 'order-not-found']);
  }, 90_000);
});

describe('POST /callbacks/provisioning', () => {
  const signed = (body: string) => ({ headers: signedCallbackHeaders(body), body });
  test('a malformed result is refused with the field it lacks', async () => {
    const bad = conforms(await record(h.intakeUrl, 'POST', '/callbacks/provisioning', signed(JSON.stringify({ state: 'done' }))));
    expect([bad.status, problemCode(bad)]).toEqual([400, 'invalid-callback']);
    const notJson = conforms(await record(h.intakeUrl, 'POST', '/callbacks/provisioning', signed('{')));
    expect([notJson.status, problemCode(notJson)]).toEqual([400, 'bad-request']);
  });

  test('an unsigned, stale, future or wrongly signed callback is refused with 401 and nothing is stored; a signed one is accepted', async () => {
    const provTxnRef = `PTX-SIG-${randomUUID()}`;
    const body = JSON.stringify({ provTxnRef, clientTxnRef: 'x', orderRef: 'ORD-SIG', itemRef: 'ITEM-1', status: 'DONE', svcInstanceId: 'SVC-1' });
    const tolerance = loadConfig().PROVISIONING_SIGNATURE_TOLERANCE_S;
    const refused = [
      ['unsigned', json()],
      ['stale', signedCallbackHeaders(body, new Date(Date.now() - (tolerance + 60) * 1000))],
      ['from the future', signedCallbackHeaders(body, new Date(Date.now() + (tolerance + 60) * 1000))],
      ['signed with a secret we do not have', signedCallbackHeaders(body, new Date(), 'a-secret-the-farm-does-not-have')],
      ['signed over another body', { ...signedCallbackHeaders(body.replace('DONE', 'ERR')) }],
    ] as const;
    for (const [name, headers] of refused) {
      const answer = conforms(await record(h.intakeUrl, 'POST', '/callbacks/provisioning', { headers, body }));
      expect([name, answer.status, problemCode(answer)]).toEqual([name, 401, 'invalid-signature']);
      expect(JSON.stringify(answer.body)).not.toContain(providerSigningSecret());
    }
    const rows = () => h.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from inbox_event where subject_id = ${provTxnRef}`);
    expect(await rows()).toBe(0);

    const request = signed(body);
    const accepted = conforms(await record(h.intakeUrl, 'POST', '/callbacks/provisioning', request));
    expect(accepted.status).toBe(202);
    expect(await rows()).toBe(1);
    // the very same signed request again, within the window: the inbox keeps it one delivery
    const replayed = conforms(await record(h.intakeUrl, 'POST', '/callbacks/provisioning', request));
    expect(replayed.status).toBe(202);
    expect(await rows()).toBe(1);
  });
});

describe('operator API', () => {
  test('lists cases, refuses a bad query, a bad case id, an unknown case and an invalid decision', async () => {
    const list = conforms(await record(h.intakeUrl, 'GET', '/operator/cases?limit=5', { headers: asViewer }), operatorDoc);
    expect(list.status).toBe(200);
    const badQuery = conforms(await record(h.intakeUrl, 'GET', '/operator/cases?status=NOPE', { headers: asOperator }), operatorDoc);
    expect([badQuery.status, problemCode(badQuery)]).toEqual([400, 'bad-query']);
    const badId = conforms(await record(h.intakeUrl, 'GET', '/operator/cases/not-a-uuid', { headers: asOperator }), operatorDoc);
    expect([badId.status, problemCode(badId)]).toEqual([400, 'bad-case-id']);
    const unknown = conforms(await record(h.intakeUrl, 'GET', `/operator/cases/${randomUUID()}`, { headers: asOperator }), operatorDoc);
    expect([unknown.status, problemCode(unknown)]).toEqual([404, 'case-not-found']);
    const decision = conforms(await record(h.intakeUrl, 'POST', `/operator/cases/${randomUUID()}/decision`, { headers: json(asOperator), body: JSON.stringify({ decision: 'MAYBE' }) }), operatorDoc);
    expect([decision.status, problemCode(decision)]).toEqual([400, 'invalid-decision']);
  });
});

test('an unknown route answers a problem, not an HTML page', async () => {
  const answer = await record(h.intakeUrl, 'GET', '/nope');
  expect(answer.status).toBe(404);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(problemCode(answer)).toBe('not-found');
});

test('what the router refuses before any route (a malformed percent-escape, an over-long path parameter) answers a problem too', async () => {
  const badEscape = await record(h.intakeUrl, 'GET', '/orders/%s%n%x', { headers: asViewer });
  expect([badEscape.status, problemCode(badEscape)]).toEqual([400, 'bad-url']);
  expect(badEscape.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const tooLong = await record(h.intakeUrl, 'GET', `/orders/${'x'.repeat(101)}`, { headers: asViewer });
  expect([tooLong.status, problemCode(tooLong)]).toEqual([414, 'path-parameter-too-long']);
  expect(tooLong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});
