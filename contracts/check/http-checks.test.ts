// The HTTP contract checks on a copy of the OpenAPI documents and bindings with one drift seeded
// each: a changed response, a changed request, the intake's own document, an unbound DTO, routes.
import { httpBindings } from './checks/http-bindings.ts';
import { servedRoutes } from './checks/served-routes.ts';
import { DriftFixture } from './testing/drift-fixture.ts';

let fx: DriftFixture;

beforeEach(() => {
  fx = DriftFixture.create();
});
afterEach(() => fx.remove());

describe('http-bindings', () => {
  test('a response field the adapter requires, renamed in the document, fails naming document, operation and field', async () => {
    const added = await fx.added(httpBindings, () => {
      fx.edit('contracts/openapi/crm.yaml', 'required: [custNo, acctStatus, billAcctRef, segment, eligFlags, updatedTs]', 'required: [custNo, acctStatus, billingAccountRef, segment, eligFlags, updatedTs]');
      fx.edit('contracts/openapi/crm.yaml', '        billAcctRef:\n', '        billingAccountRef:\n');
    });
    expect(added).toEqual([expect.stringMatching(/contracts\/openapi\/crm\.yaml \| crm\.yaml getAccount 200: billAcctRef \| zod crmAccountDto \(src\/adapters\/crm\/dto\.ts\) requires field billAcctRef, crm\.yaml getAccount 200 has no such field/)]);
  });

  test('a response enum that grows, and a required response field that becomes optional, fail', async () => {
    const added = await fx.added(httpBindings, () => {
      fx.edit('contracts/openapi/billing.yaml', /(Activation:\n[\s\S]*?state:\n\s+type: string\n\s+enum: )\[ACTIVE\]/, '$1[ACTIVE, PENDING]');
      fx.edit('contracts/openapi/notification.yaml', 'required: [messageId, status]', 'required: [status]');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/contracts\/openapi\/billing\.yaml \| billing\.yaml activateSubscription 201: state \| billing\.yaml activateSubscription 201 allows "PENDING" at state, zod activationDto .* accepts only "ACTIVE"/),
        expect.stringMatching(/contracts\/openapi\/notification\.yaml \| notification\.yaml sendMessage 202: messageId \| zod messageAcceptedDto .* requires messageId, notification\.yaml sendMessage 202 marks it optional/),
      ]),
    );
  });

  test('a request field the document now requires, which the mapper never sends, fails', async () => {
    const added = await fx.added(httpBindings, () => {
      fx.edit('contracts/openapi/inventory.yaml', 'required: [resourceType, quantity, orderRef, itemRef, constraints]', 'required: [resourceType, quantity, orderRef, itemRef, constraints, priority]\n      properties:\n        priority:\n          type: integer');
      fx.edit('contracts/openapi/inventory.yaml', /(priority:\n\s+type: integer)\n\s+properties:/, '$1');
    });
    expect(added).toEqual([expect.stringMatching(/contracts\/openapi\/inventory\.yaml \| inventory\.yaml createReservation request: priority \| inventory\.yaml createReservation request requires priority, zod reservationRequestDto .* never sends it/)]);
  });

  test('the intake document and the order schema must describe the same request', async () => {
    const added = await fx.added(httpBindings, () => {
      fx.edit('contracts/openapi/intake.yaml', 'required: [tenantId, customerAccountId, items, subscription, contact]', 'required: [tenantId, customerAccountId, marketSegment, items, subscription]');
      fx.edit('contracts/openapi/intake.yaml', "        contact:\n          $ref: '#/components/schemas/Contact'\n", '');
    });
    expect(added).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/contracts\/openapi\/intake\.yaml \| intake\.yaml submitOrder request: marketSegment \| zod orderRequestSchema .* has optional marketSegment, intake\.yaml submitOrder request requires it/),
        expect.stringMatching(/contracts\/openapi\/intake\.yaml \| intake\.yaml submitOrder request: contact \| zod orderRequestSchema .* accepts field contact, intake\.yaml submitOrder request has no such field/),
      ]),
    );
  });

  test('a DTO bound to no document fails at its module', async () => {
    const added = await fx.added(httpBindings, () => fx.edit('contracts/http-bindings.yaml', /\n {2}- \{ schema: src\/adapters\/crm\/dto\.ts#crmErrorDto[^\n]*/, ''));
    expect(added).toEqual([expect.stringMatching(/^src\/adapters\/crm\/dto\.ts \| crmErrorDto \| zod schema crmErrorDto is bound to no OpenAPI document/)]);
  });
});

describe('served-routes', () => {
  test('a documented route the server lacks, and a route the document lacks, fail', async () => {
    const added = await fx.added(servedRoutes, () => {
      fx.edit('contracts/openapi/intake.yaml', '  /callbacks/provisioning:\n', '  /orders/{orderId}/cancellation:\n    post:\n      operationId: cancelOrder\n      responses:\n        \'202\':\n          description: cancelling\n  /callbacks/provisioning-results:\n');
    });
    expect(added).toEqual([
      expect.stringMatching(/^src\/intake\/callback-routes\.ts \| POST \/callbacks\/provisioning \(line \d+\) \| route is not documented in .*contracts\/openapi\/intake\.yaml/),
      expect.stringMatching(/contracts\/openapi\/intake\.yaml \| POST \/orders\/\{orderId\}\/cancellation \| documented, but src\/intake registers no such route/),
      expect.stringMatching(/contracts\/openapi\/intake\.yaml \| POST \/callbacks\/provisioning-results \| documented, but src\/intake registers no such route/),
    ]);
  });
});
