// The OpenAPI documents in contracts/openapi against the running simulators: the same routes and
// operation names, the same security, every documented status seen in a real exchange and every
// exchange's answer valid against the document (no undocumented field either), and request
// schemas that accept and refuse what the simulators accept and refuse. The control API's Kafka
// endpoints are exercised against a second simulator that has the stack's Kafka.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../src/platform/config.ts';
import { startSimulators, type RunningSimulators } from './server.ts';
import { startCallbackReceiver, type CallbackReceiver } from './testing/callback-receiver.ts';
import { deref, findOperation, loadOpenApi, operationsOf, requestSchema, responseSchema, validate, type OpenApiDocument } from './testing/openapi-check.ts';
import { TEST_CREDENTIALS, authHeaders, call, eventually, simControl, type SimResponse } from './testing/sim-client.ts';

const SYSTEMS = {
  crm: { prefix: '/crm', security: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
  inventory: { prefix: '/inventory', security: { type: 'http', scheme: 'bearer' } },
  provisioning: { prefix: '/provisioning', security: { type: 'http', scheme: 'basic' } },
  billing: { prefix: '/billing', security: { type: 'http', scheme: 'bearer' } },
  notification: { prefix: '/notify', security: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
} as const;
type SystemName = keyof typeof SYSTEMS;
const NAMES = Object.keys(SYSTEMS) as SystemName[];
const docs = Object.fromEntries([...NAMES, 'simulator-control'].map((n) => [n, loadOpenApi(n)])) as Record<SystemName | 'simulator-control', OpenApiDocument>;
const auth = authHeaders();

let sim: RunningSimulators;
let kafkaSim: RunningSimulators;
let receiver: CallbackReceiver;
const kafkaBrokers = loadConfig().KAFKA_BROKERS;
const rawTopic = `sim-contracts.${randomUUID()}`;
/** "<doc> <METHOD> <path template> <status>" of every exchange checked */
const seen = new Set<string>();
const problems: string[] = [];

beforeAll(async () => {
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 20, callbackRetryDelaysMs: [10] });
  kafkaSim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 20, kafkaBrokers });
  receiver = await startCallbackReceiver();
});
afterAll(async () => {
  await sim.close();
  await kafkaSim.close();
  await receiver.close();
  const admin = new Kafka({ clientId: 'simulator-contracts-test', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopic] }).catch(() => undefined);
  await admin.disconnect();
});

interface Exchange {
  readonly method: string;
  /** below the document's server URL, with query */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** another simulator than `sim` (the one with Kafka) */
  readonly baseUrl?: string;
}

/** One real exchange, checked against the document; problems are collected, not thrown. */
async function exchange(docName: SystemName | 'simulator-control', request: Exchange, expectedStatus: number): Promise<SimResponse<any>> {
  const doc = docs[docName];
  const prefix = docName === 'simulator-control' ? '' : SYSTEMS[docName].prefix;
  const res = await call(request.baseUrl ?? sim.url, request.method, `${prefix}${request.path}`, { headers: request.headers ?? {}, ...(request.body === undefined ? {} : { body: request.body }) });
  const label = `${docName} ${request.method} ${request.path}`;
  if (res.status !== expectedStatus) problems.push(`${label}: expected ${expectedStatus}, got ${res.status} ${res.text}`);
  const found = findOperation(doc, request.method, request.path.split('?')[0] ?? '');
  if (!found) {
    problems.push(`${label}: not in the document`);
    return res;
  }
  seen.add(`${docName} ${request.method} ${found.path} ${res.status}`);
  const documented = responseSchema(doc, found.operation, res.status);
  if (!documented) {
    problems.push(`${label}: status ${res.status} not documented`);
    return res;
  }
  for (const [name, header] of Object.entries(documented.headers)) {
    if (header.required === true && res.headers.get(name) === null) problems.push(`${label} ${res.status}: header ${name} missing`);
  }
  if (documented.schema) problems.push(...validate(doc, documented.schema, res.body, true).map((p) => `${label} ${res.status}: ${p}`));
  else if (res.text !== '') problems.push(`${label} ${res.status}: a body the document does not describe`);
  return res;
}

const reservation = { resourceType: 'MSISDN', quantity: 1, orderRef: 'ORD-1', itemRef: 'ITEM-1', constraints: { region: 'north', express: true, stock: 10 } };
const serviceOrder = { clientTxnRef: 'TXN-C', action: 'ADD', svcSpec: 'FIBER', params: { vlan: 100 }, orderRef: 'ORD-1', itemRef: 'ITEM-1' };
const activation = { billingAccountId: 'BA-1', activationDate: '2025-03-01', chargeSnapshotVersion: 1, charges: [{ chargeCode: 'MRC', amount: '49.90', currency: 'EUR', frequency: 'MONTHLY', type: 'RECURRING' }] };
const message = { template: 'ORDER_COMPLETED', to: 'ann@example.com', channel: 'EMAIL', ref: 'R-1', data: { orderId: 'ORD-1' } };

/** One request per operation, used for the statuses every operation shares (401, 429, 503). */
const SAMPLES: Record<SystemName, Record<string, Exchange>> = {
  crm: { getAccount: { method: 'GET', path: '/v2/accounts/CUST-1' } },
  inventory: {
    createReservation: { method: 'POST', path: '/v1/reservations', body: reservation },
    findReservations: { method: 'GET', path: '/v1/reservations?idempotencyKey=K' },
    releaseReservation: { method: 'DELETE', path: '/v1/reservations/RSV-X' },
  },
  provisioning: {
    submitServiceOrder: { method: 'POST', path: '/api/service-orders', body: serviceOrder },
    getServiceOrder: { method: 'GET', path: '/api/service-orders/PTX-X' },
    findServiceOrders: { method: 'GET', path: '/api/service-orders?clientTxnRef=X' },
  },
  billing: {
    activateSubscription: { method: 'POST', path: '/v3/subscriptions/SUB-1/activation', body: activation },
    findActivations: { method: 'GET', path: '/v3/activations?idempotencyKey=K' },
  },
  notification: {
    sendMessage: { method: 'POST', path: '/v1/messages', body: message },
    findMessages: { method: 'GET', path: '/v1/messages' },
  },
};

describe('contracts/openapi/simulator-control.yaml', () => {
  it('documents exactly the routes control.ts registers', () => {
    const source = readFileSync(new URL('./control.ts', import.meta.url), 'utf8');
    const registered = [...source.matchAll(/scope\.(get|post|delete)\('([^']+)'/g)].map(([, method = '', path = '']) => `${method.toUpperCase()} /__sim${path}`);
    const documented = operationsOf(docs['simulator-control']).map((o) => `${o.method} ${o.path}`);
    expect(documented.sort()).toEqual(registered.sort());
  });
});

describe.each(NAMES)('contracts/openapi/%s.yaml', (name) => {
  const doc = docs[name];

  it('is OpenAPI 3.0.3 served under the simulator prefix', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.servers[0]?.url).toBe(`http://127.0.0.1:4010${SYSTEMS[name].prefix}`);
  });

  it('documents exactly the routes the simulator serves, under their operation names', () => {
    const documented = operationsOf(doc).map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')} ${o.operation.operationId}`);
    const served = sim.state[name].definition.routes.map((r) => `${r.method} ${r.url} ${r.operation}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(Object.keys(SAMPLES[name]).sort()).toEqual(served.map((s) => s.split(' ')[2]).sort());
  });

  it('declares the security scheme the simulator checks, for every operation', () => {
    const requirement = doc.security?.[0];
    expect(requirement).toBeDefined();
    const [schemeName] = Object.keys(requirement ?? {});
    expect(doc.components?.securitySchemes?.[schemeName ?? '']).toEqual(SYSTEMS[name].security);
  });
});

describe('exchanges against the documents', () => {
  beforeEach(() => {
    problems.length = 0;
  });

  it('answers 401, 429 and 503 of every operation as documented', async () => {
    for (const name of NAMES) {
      for (const [operation, sample] of Object.entries(SAMPLES[name])) {
        await exchange(name, sample, 401);
        for (const status of [429, 503]) {
          await simControl(sim.url).addFault({ system: name, operation, fault: { type: 'status', status } });
          await exchange(name, { ...sample, headers: auth[name] }, status);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers CRM reads as documented', async () => {
    await exchange('crm', { method: 'GET', path: '/v2/accounts/CUST-1', headers: auth.crm }, 200);
    await exchange('crm', { method: 'GET', path: '/v2/accounts/CUST-SUSPENDED-1', headers: auth.crm }, 200);
    await exchange('crm', { method: 'GET', path: '/v2/accounts/CUST-UNKNOWN-1', headers: auth.crm }, 404);
    expect(problems).toEqual([]);
  });

  it('answers inventory as documented', async () => {
    const h = { ...auth.inventory, 'idempotency-key': 'INV-1' };
    const created = await exchange('inventory', { method: 'POST', path: '/v1/reservations', body: reservation, headers: h }, 201);
    await exchange('inventory', { method: 'POST', path: '/v1/reservations', body: reservation, headers: h }, 200);
    await exchange('inventory', { method: 'POST', path: '/v1/reservations', body: { ...reservation, quantity: 2 }, headers: h }, 409);
    await exchange('inventory', { method: 'POST', path: '/v1/reservations', body: { ...reservation, constraints: { stock: 0 } }, headers: auth.inventory }, 422);
    await exchange('inventory', { method: 'POST', path: '/v1/reservations', body: '{', headers: auth.inventory }, 400);
    await exchange('inventory', { method: 'GET', path: '/v1/reservations?idempotencyKey=INV-1', headers: auth.inventory }, 200);
    await exchange('inventory', { method: 'GET', path: '/v1/reservations', headers: auth.inventory }, 400);
    await exchange('inventory', { method: 'DELETE', path: `/v1/reservations/${String(created.body.reservationId)}`, headers: auth.inventory }, 200);
    await exchange('inventory', { method: 'GET', path: '/v1/reservations?idempotencyKey=INV-1', headers: auth.inventory }, 200);
    await exchange('inventory', { method: 'DELETE', path: '/v1/reservations/RSV-NONE', headers: auth.inventory }, 404);
    expect(problems).toEqual([]);
  });

  it('answers provisioning as documented, callbacks included', async () => {
    const h = auth.provisioning;
    const accepted = await exchange('provisioning', { method: 'POST', path: '/api/service-orders', body: { ...serviceOrder, callbackUrl: receiver.url }, headers: h }, 202);
    await exchange('provisioning', { method: 'POST', path: '/api/service-orders', body: { ...serviceOrder, callbackUrl: receiver.url }, headers: h }, 200);
    await exchange('provisioning', { method: 'POST', path: '/api/service-orders', body: { ...serviceOrder, itemRef: 'ITEM-2' }, headers: h }, 409);
    await exchange('provisioning', { method: 'POST', path: '/api/service-orders', body: { ...serviceOrder, action: 'MODIFY' }, headers: h }, 400);
    const failed = await exchange('provisioning', { method: 'POST', path: '/api/service-orders', body: { ...serviceOrder, clientTxnRef: 'TXN-F', svcSpec: 'SPEC-FAIL' }, headers: h }, 202);
    await exchange('provisioning', { method: 'GET', path: `/api/service-orders/${String(accepted.body.provTxnRef)}`, headers: h }, 200);
    await eventually(() => (receiver.received.length > 0 ? true : undefined));
    await eventually(() => (sim.state.provisioning.serviceOrders.get(String(failed.body.provTxnRef))?.status === 'ERR' ? true : undefined));
    await exchange('provisioning', { method: 'GET', path: `/api/service-orders/${String(accepted.body.provTxnRef)}`, headers: h }, 200);
    await exchange('provisioning', { method: 'GET', path: `/api/service-orders/${String(failed.body.provTxnRef)}`, headers: h }, 200);
    await exchange('provisioning', { method: 'GET', path: '/api/service-orders/PTX-NONE', headers: h }, 404);
    await exchange('provisioning', { method: 'GET', path: '/api/service-orders?clientTxnRef=TXN-C', headers: h }, 200);
    await exchange('provisioning', { method: 'GET', path: '/api/service-orders', headers: h }, 400);

    const doc = docs.provisioning;
    const callback = deref(doc, doc.paths['/api/service-orders']?.post?.callbacks?.serviceOrderResult?.['{$request.body#/callbackUrl}']?.post?.requestBody ?? {});
    const callbackSchema = callback.content?.['application/json']?.schema;
    expect(callbackSchema).toBeDefined();
    expect(validate(doc, callbackSchema, receiver.received[0]?.body, true)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('answers billing as documented', async () => {
    const h = { ...auth.billing, 'idempotency-key': 'BIL-1' };
    const path = '/v3/subscriptions/SUB-C/activation';
    await exchange('billing', { method: 'POST', path, body: activation, headers: h }, 201);
    await exchange('billing', { method: 'POST', path, body: activation, headers: h }, 200);
    await exchange('billing', { method: 'POST', path, body: { ...activation, chargeSnapshotVersion: 2 }, headers: h }, 409);
    await exchange('billing', { method: 'POST', path, body: activation, headers: { ...auth.billing, 'idempotency-key': 'BIL-2' } }, 409);
    await exchange('billing', { method: 'POST', path: '/v3/subscriptions/SUB-R/activation', body: { ...activation, billingAccountId: 'BA-REJECT' }, headers: auth.billing }, 422);
    await exchange('billing', { method: 'POST', path, body: { ...activation, charges: 'none' }, headers: auth.billing }, 400);
    await exchange('billing', { method: 'GET', path: '/v3/activations?idempotencyKey=BIL-1', headers: auth.billing }, 200);
    await exchange('billing', { method: 'GET', path: '/v3/activations', headers: auth.billing }, 400);
    expect(problems).toEqual([]);
  });

  it('answers notification as documented', async () => {
    await exchange('notification', { method: 'POST', path: '/v1/messages', body: message, headers: auth.notification }, 202);
    await exchange('notification', { method: 'POST', path: '/v1/messages', body: { ...message, to: 'nobody' }, headers: auth.notification }, 400);
    await exchange('notification', { method: 'POST', path: '/v1/messages', body: { ...message, channel: 'SMS' }, headers: auth.notification }, 400);
    await exchange('notification', { method: 'GET', path: '/v1/messages?to=ann%40example.com&template=ORDER_COMPLETED', headers: auth.notification }, 200);
    expect(problems).toEqual([]);
  });

  it('answers the control API as documented', async () => {
    await exchange('simulator-control', { method: 'GET', path: '/__sim/health' }, 200);
    await exchange('simulator-control', { method: 'POST', path: '/__sim/faults', body: { system: 'crm', match: { custNo: 'X' }, fault: 'malformed', times: -1 } }, 201);
    await exchange('simulator-control', { method: 'POST', path: '/__sim/faults', body: { system: 'provisioning', operation: 'submitServiceOrder', fault: 'async-failure' } }, 201);
    await exchange('simulator-control', { method: 'POST', path: '/__sim/faults', body: { system: 'crm', fault: 'explode' } }, 400);
    await exchange('simulator-control', { method: 'GET', path: '/__sim/faults' }, 200);
    await exchange('simulator-control', { method: 'DELETE', path: '/__sim/faults' }, 200);
    await exchange('simulator-control', { method: 'GET', path: '/__sim/side-effects?system=inventory' }, 200);
    await exchange('simulator-control', { method: 'GET', path: '/__sim/callbacks' }, 200);
    await exchange('simulator-control', { method: 'POST', path: '/__sim/reset' }, 204);
    expect(problems).toEqual([]);
  });

  it('answers the control API\'s Kafka endpoints as documented', async () => {
    const republish = '/__sim/provisioning/republish';
    const raw = '/__sim/kafka/raw';
    await exchange('simulator-control', { method: 'POST', path: republish, body: {} }, 400);
    await exchange('simulator-control', { method: 'POST', path: republish, body: { provTxnRef: 'PTX-NONE' } }, 503);
    await exchange('simulator-control', { method: 'POST', path: raw, body: { topic: 'no spaces allowed', value: 'x' } }, 400);
    await exchange('simulator-control', { method: 'POST', path: raw, body: { topic: rawTopic, value: 'x' } }, 503);

    const onKafka = { baseUrl: kafkaSim.url };
    await exchange('simulator-control', { ...onKafka, method: 'POST', path: republish, body: { provTxnRef: 'PTX-NONE' } }, 404);
    const accepted = await call(kafkaSim.url, 'POST', '/provisioning/api/service-orders', { body: { ...serviceOrder, clientTxnRef: `TXN-${randomUUID()}` }, headers: auth.provisioning });
    const provTxnRef = String(accepted.body.provTxnRef);
    await eventually(() => (kafkaSim.state.provisioning.serviceOrders.get(provTxnRef)?.resultPublications.some((p) => p.published) ? true : undefined), 20_000);
    await exchange('simulator-control', { ...onKafka, method: 'POST', path: republish, body: { provTxnRef } }, 200);
    await exchange('simulator-control', { ...onKafka, method: 'POST', path: raw, body: { topic: rawTopic, key: 'K-1', value: '{not json' } }, 200);
    await exchange('simulator-control', { ...onKafka, method: 'POST', path: raw, body: { topic: rawTopic, key: null, value: '' } }, 200);
    expect(problems).toEqual([]);
  });

  it('exercised every documented status of every operation', () => {
    const documented = (Object.keys(docs) as (keyof typeof docs)[]).flatMap((name) =>
      operationsOf(docs[name]).flatMap((o) => Object.keys(o.operation.responses).map((status) => `${name} ${o.method} ${o.path} ${status}`)),
    );
    expect(documented.filter((d) => !seen.has(d))).toEqual([]);
  });
});

describe('request schemas agree with the simulators', () => {
  const h = auth;
  const cases: { name: SystemName; path: string; headers: Record<string, string>; valid: unknown; invalid: Record<string, unknown> }[] = [
    {
      name: 'inventory',
      path: '/v1/reservations',
      headers: h.inventory,
      valid: reservation,
      invalid: {
        'no itemRef': { ...reservation, itemRef: undefined },
        'quantity 0': { ...reservation, quantity: 0 },
        'fractional quantity': { ...reservation, quantity: 1.5 },
        'nested constraint': { ...reservation, constraints: { a: { b: 1 } } },
        'empty resourceType': { ...reservation, resourceType: '' },
      },
    },
    {
      name: 'provisioning',
      path: '/api/service-orders',
      headers: h.provisioning,
      valid: { ...serviceOrder, clientTxnRef: 'TXN-SCHEMA', callbackUrl: 'http://127.0.0.1:1/cb' },
      invalid: {
        'unknown action': { ...serviceOrder, action: 'MODIFY' },
        'nested param': { ...serviceOrder, params: { a: [1] } },
        'callbackUrl not a URL': { ...serviceOrder, callbackUrl: 'nope' },
        'empty clientTxnRef': { ...serviceOrder, clientTxnRef: '' },
        'no params': { ...serviceOrder, params: undefined },
      },
    },
    {
      name: 'billing',
      path: '/v3/subscriptions/SUB-SCHEMA/activation',
      headers: h.billing,
      valid: activation,
      invalid: {
        'numeric amount': { ...activation, charges: [{ ...activation.charges[0], amount: 49.9 }] },
        'five decimals': { ...activation, charges: [{ ...activation.charges[0], amount: '1.23456' }] },
        'lower-case currency': { ...activation, charges: [{ ...activation.charges[0], currency: 'eur' }] },
        'not a date': { ...activation, activationDate: '01.03.2025' },
        'snapshot version 0': { ...activation, chargeSnapshotVersion: 0 },
        'no charges': { ...activation, charges: undefined },
      },
    },
    {
      name: 'notification',
      path: '/v1/messages',
      headers: h.notification,
      valid: message,
      invalid: {
        'SMS channel': { ...message, channel: 'SMS' },
        'numeric data value': { ...message, data: { n: 1 } },
        'empty template': { ...message, template: '' },
        'no ref': { ...message, ref: undefined },
      },
    },
  ];

  it.each(cases)('$name: the documented request schema accepts and refuses what the simulator does', async ({ name, path, headers, valid, invalid }) => {
    const doc = docs[name];
    const operation = findOperation(doc, 'POST', path)?.operation;
    const schema = operation && requestSchema(doc, operation);
    expect(schema).toBeDefined();
    expect(validate(doc, schema!, valid, false)).toEqual([]);
    expect((await call(sim.url, 'POST', `${SYSTEMS[name].prefix}${path}`, { body: valid, headers })).status).toBeLessThan(300);
    for (const [what, body] of Object.entries(invalid)) {
      const sent = JSON.parse(JSON.stringify(body)) as unknown; // drops the undefined fields
      expect({ what, documentRefuses: validate(doc, schema!, sent, false).length > 0 }).toEqual({ what, documentRefuses: true });
      const res = await call(sim.url, 'POST', `${SYSTEMS[name].prefix}${path}`, { body: sent, headers });
      expect({ what, status: res.status }).toEqual({ what, status: 400 });
    }
  });
});
