// The change classifier (seed 004 §20) on synthetic pairs of old and new contracts: BPMN models,
// OpenAPI and AsyncAPI documents, SQL migrations; and the git base it compares with by default.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseBpmn } from '../check/bpmn-model.ts';
import { DocumentSet } from '../check/json-shape.ts';
import { REPOSITORY_ROOT } from '../check/sources.ts';
import { asyncapiChanges } from './asyncapi-changes.ts';
import { bpmnChanges } from './bpmn-changes.ts';
import type { ContractChange } from './change.ts';
import { resolveBase } from './git.ts';
import { openapiChanges } from './openapi-changes.ts';
import { sqlChanges } from './sql-changes.ts';

const rows = (changes: readonly ContractChange[]) => changes.map((c) => `${c.classification} | ${c.element} | ${c.change}`);

describe('BPMN', () => {
  const FILE = path.join(REPOSITORY_ROOT, 'bpmn', 'order-fulfillment.bpmn');
  const original = readFileSync(FILE, 'utf8');
  const diff = async (changed: string) => rows(bpmnChanges('order-fulfillment.bpmn', await parseBpmn(FILE, original), await parseBpmn(FILE, changed)));

  test('an unchanged model has no changes', async () => {
    expect(await diff(original)).toEqual([]);
  });

  test('a renamed activity id is breaking (ops, migration); its label change alone is cosmetic', async () => {
    expect(await diff(original.replaceAll('ServiceTask_NotifyCustomer', 'ServiceTask_SendConfirmation'))).toEqual([expect.stringMatching(/^breaking \| ServiceTask_NotifyCustomer \| ServiceTask id renamed to ServiceTask_SendConfirmation/)]);
    expect(await diff(original.replace('name="Send order confirmation"', 'name="Confirm the order"'))).toEqual(['cosmetic | ServiceTask_NotifyCustomer | label "Send order confirmation" → "Confirm the order"']);
  });

  test('a timer change is business behaviour', async () => {
    expect(await diff(original.replace('=provisioningSla</bpmn:timeDuration>', 'PT4H</bpmn:timeDuration>'))).toEqual([expect.stringMatching(/^business-behaviour \| BoundaryEvent_ProvisioningSlaBreached \| timer =provisioningSla → PT4H/)]);
  });

  test('a new path is a behaviour change; a removed wait state and a changed job type are breaking', async () => {
    const withPath = original.replace(
      '<bpmn:sequenceFlow id="Flow_BilledToNotify"',
      '<bpmn:sequenceFlow id="Flow_BilledToAudit" sourceRef="ServiceTask_ActivateBilling" targetRef="EndEvent_Audited" /><bpmn:endEvent id="EndEvent_Audited" name="Audited" /><bpmn:sequenceFlow id="Flow_BilledToNotify"',
    );
    expect(await diff(withPath)).toEqual(expect.arrayContaining([expect.stringMatching(/^behaviour-change \| Flow_BilledToAudit \| new path/), expect.stringMatching(/^behaviour-change \| EndEvent_Audited \| EndEvent added/)]));
    const noReview = original.replace(/<bpmn:userTask id="UserTask_ReviewExternalConflict"[\s\S]*?<\/bpmn:userTask>/, '');
    expect(await diff(noReview)).toEqual(expect.arrayContaining([expect.stringMatching(/^breaking \| UserTask_ReviewExternalConflict \| UserTask removed \(a wait state\)/)]));
    expect(await diff(original.replace('type="notification.send-order-confirmation.v1"', 'type="notification.send-order-confirmation.v2"'))).toEqual([
      expect.stringMatching(/^breaking \| ServiceTask_NotifyCustomer \| job type notification\.send-order-confirmation\.v1 → notification\.send-order-confirmation\.v2/),
    ]);
  });
});

describe('OpenAPI and AsyncAPI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'contracts-classify-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return { docs: new DocumentSet(), file };
  };

  const api = (request: string, response: string, extraPath = '') => `openapi: 3.0.3
info: { title: t, version: '1' }
paths:
  /orders:
    post:
      operationId: submitOrder
      requestBody:
        content:
          application/json:
            schema:
${request}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
${response}
${extraPath}`;
  const obj = (required: string[], props: Record<string, string>, indent = 14) => {
    const pad = ' '.repeat(indent);
    return [`${pad}type: object`, `${pad}required: [${required.join(', ')}]`, `${pad}properties:`, ...Object.entries(props).map(([k, v]) => `${pad}  ${k}: ${v}`)].join('\n');
  };

  test('optional response field added: compatible; required request field added, field removed, renamed: breaking; enum value added: potentially breaking', async () => {
    const before = write('old/api.yaml', api(obj(['id'], { id: '{ type: string }', note: '{ type: string }' }), obj(['id', 'status'], { id: '{ type: string }', status: '{ type: string, enum: [A, B] }', total: '{ type: number }' }, 16)));
    const after = write(
      'new/api.yaml',
      api(obj(['id', 'channel'], { id: '{ type: string }', channel: '{ type: string }' }), obj(['id', 'status'], { id: '{ type: string }', status: '{ type: string, enum: [A, B, C] }', amount: '{ type: number }', hint: '{ type: string }' }, 16)),
    );
    expect(rows(openapiChanges('api.yaml', before, after)).sort()).toEqual(
      [
        'breaking | POST /orders request channel | required field added',
        'breaking | POST /orders request note | field removed',
        'compatible | POST /orders 200 hint | optional field added',
        'breaking | POST /orders 200 total | field removed',
        'compatible | POST /orders 200 amount | optional field added',
        'potentially-breaking | POST /orders 200 status | enum value(s) added: "C"',
      ].sort(),
    );
  });

  test('an operation removed is breaking, one added compatible', async () => {
    const extra = `  /orders/{orderId}:\n    get:\n      operationId: getOrder\n      responses:\n        '200':\n          description: ok\n`;
    const body = obj(['id'], { id: '{ type: string }' });
    const reply = obj(['id'], { id: '{ type: string }' }, 16);
    const before = write('old/api.yaml', api(body, reply, extra));
    const after = write('new/api.yaml', api(body, reply, extra.replace('/orders/{orderId}', '/orders/{orderId}/status').replace('getOrder', 'getOrderStatus')));
    expect(rows(openapiChanges('api.yaml', before, after))).toEqual(['breaking | GET /orders/{orderId} | operation removed (getOrder)', 'compatible | GET /orders/{orderId}/status | operation added (getOrderStatus)']);
  });

  const events = (fields: string, key = 'orderId') => `asyncapi: 3.0.0
info: { title: events, version: '1' }
channels:
  lifecycle:
    address: fulfillment.lifecycle.v1
    bindings: { kafka: { key: { type: string, description: ${key} } } }
    messages:
      OrderCompleted: { $ref: '#/components/messages/OrderCompleted' }
components:
  messages:
    OrderCompleted:
      payload:
        type: object
        required: [eventId, orderId]
        properties:
${fields}
`;

  test('AsyncAPI: a removed event field and a changed partition key are breaking, an optional field added compatible', async () => {
    const before = write('old/events.yaml', events('          eventId: { type: string }\n          orderId: { type: string }\n          total: { type: number }'));
    const after = write('new/events.yaml', events('          eventId: { type: string }\n          orderId: { type: string }\n          note: { type: string }', 'customerId'));
    expect(rows(asyncapiChanges('events.yaml', before, after)).sort()).toEqual(
      [
        'breaking | channel lifecycle | message key {"type":"string","description":"orderId"} → {"type":"string","description":"customerId"}',
        'breaking | event OrderCompleted total | field removed',
        'compatible | event OrderCompleted note | optional field added',
      ].sort(),
    );
    const renamed = write('new2/events.yaml', events('          eventId: { type: string }\n          orderId: { type: string }\n          amount: { type: number }'));
    expect(rows(asyncapiChanges('events.yaml', before, renamed))).toEqual(['breaking | event OrderCompleted total | field renamed to amount (amount)']);
    const more = write('new3/events.yaml', events('          eventId: { type: string }\n          orderId: { type: string }\n          total: { type: number }\n          note: { type: string }'));
    expect(rows(asyncapiChanges('events.yaml', before, more))).toEqual(['compatible | event OrderCompleted note | optional field added']);
  });
});

describe('SQL migrations', () => {
  const BASE = new Map([['0001_orders.sql', "-- Up Migration\ncreate table customer_order (order_id text primary key, order_status text not null,\n  constraint ck_status check (order_status in ('A', 'B', 'C')));\n-- Down Migration\ndrop table customer_order;\n"]]);
  const diff = (next: string) => rows(sqlChanges('migrations', BASE, new Map([...BASE, ['0002_next.sql', `-- Up Migration\n${next}\n-- Down Migration\nselect 1;\n`]])));

  test.each([
    ['alter table customer_order add column note text;', 'expand | statement 1 | customer_order.note added (nullable)'],
    ['alter table customer_order add column tenant text not null;', 'breaking | statement 1 | customer_order.tenant added, not null without default'],
    ["alter table customer_order add column tenant text not null default 'x';", 'expand | statement 1 | customer_order.tenant added (not null, with default)'],
    ['alter table customer_order drop column order_status;', 'breaking | statement 1 | customer_order.order_status dropped'],
    ['alter table customer_order rename column order_status to status;', 'breaking | statement 1 | customer_order.order_status renamed to status'],
    ['create table t (id int);', 'expand | statement 1 | table t created'],
    ['drop table customer_order;', 'breaking | statement 1 | table customer_order dropped'],
  ])('%s', (statement, expected) => {
    expect(diff(statement)).toEqual([expected]);
  });

  test('a tightened CHECK is breaking, a widened one expands', () => {
    expect(diff("alter table customer_order drop constraint ck_status, add constraint ck_status check (order_status in ('A', 'B'));")).toEqual([
      'expand | statement 1 | customer_order constraint ck_status dropped',
      'breaking | statement 1 | customer_order constraint ck_status: values removed C',
    ]);
    expect(diff("alter table customer_order drop constraint ck_status;\nalter table customer_order add constraint ck_status check (order_status in ('A', 'B', 'C', 'D'));")).toEqual([
      'expand | statement 1 | customer_order constraint ck_status dropped',
      'expand | statement 2 | customer_order constraint ck_status: values added D',
    ]);
  });

  test('an edited or deleted migration that already ran is breaking', () => {
    expect(rows(sqlChanges('migrations', BASE, new Map([['0001_orders.sql', `${BASE.get('0001_orders.sql') ?? ''}\ncreate index i on customer_order (order_status);`]])))).toEqual(['breaking | (migration) | an existing migration was edited']);
    expect(rows(sqlChanges('migrations', BASE, new Map()))).toEqual(['breaking | (migration) | migration deleted']);
  });
});

describe('git base', () => {
  test('a given ref, else the merge base with origin/main, else HEAD~1', () => {
    expect(resolveBase(REPOSITORY_ROOT, 'HEAD')).toMatchObject({ ref: 'HEAD', how: 'given' });
    expect(resolveBase(REPOSITORY_ROOT).how).toMatch(/origin\/main|HEAD~1/);
    expect(() => resolveBase(REPOSITORY_ROOT, 'no-such-ref-xyz')).toThrow(/no such git ref/);
  });
});
