import { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { testClient } from '../../integration/http/testing/test-client.ts';
import { genericFailureCases } from '../testing/generic-failure-cases.ts';
import { ProvisioningHttpAdapter } from './http-adapter.ts';
import type { ProvisioningCommand } from '../../core/ports/provisioning.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const adapter = () => new ProvisioningHttpAdapter(testClient('PROVISIONING', server.url('/provisioning')));
const command: ProvisioningCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  orderItemId: 'item-1',
  fulfillmentTaskId: 'task-1',
  action: 'ACTIVATE',
  serviceSpecificationCode: 'SPEC-FIBER-100',
  technicalParameters: { bandwidthMbps: 100 },
  idempotencyKey: 'provisioning:t1:ord-1:item-1:ACTIVATE',
  correlationId: 'corr-1',
  callbackUrl: 'http://127.0.0.1:3000/callbacks/provisioning',
};
const order = { provTxnRef: 'PT-1', clientTxnRef: command.idempotencyKey, orderRef: 'ord-1', itemRef: 'item-1', status: 'INPROG' };

describe('submit', () => {
  test('202 → accepted with provTxnRef as external request id; the body is the mapped service order', async () => {
    server.respond({ status: 202, body: { provTxnRef: 'PT-1', status: 'ACK' } });
    const r = await adapter().submit(command);
    expect(r).toMatchObject({ kind: 'accepted', externalRequestId: 'PT-1', value: { providerRequestId: 'PT-1', status: 'PENDING' } });
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/provisioning/api/service-orders',
      body: { clientTxnRef: command.idempotencyKey, action: 'ADD', svcSpec: 'SPEC-FIBER-100', params: { bandwidthMbps: 100 }, orderRef: 'ord-1', itemRef: 'item-1', callbackUrl: command.callbackUrl },
    });
  });

  test('200 duplicate:true → our own earlier request: accepted, linking the provider request id', async () => {
    server.respond({ status: 200, body: { provTxnRef: 'PT-1', status: 'DONE', duplicate: true } });
    expect(await adapter().submit(command)).toMatchObject({ kind: 'accepted', value: { providerRequestId: 'PT-1', status: 'SUCCEEDED' }, externalRequestId: 'PT-1' });
  });

  test('409 DUP_TXN → duplicate that is not ours, naming what the provider holds', async () => {
    server.respond({ status: 409, body: { errCd: 'DUP_TXN', errMsg: 'payload differs', existingOrderRef: 'ord-7', existingItemRef: 'item-3' } });
    const r = await adapter().submit(command);
    expect(r).toMatchObject({ kind: 'duplicate', matchesOurRequest: false });
    if (r.kind === 'duplicate') expect(r.detail).toContain('order ord-7 item item-3');
  });

  test('400 INVALID_PARAM → rejected VALIDATION_REJECTED', async () => {
    server.respond({ status: 400, body: { errCd: 'INVALID_PARAM', errMsg: 'bandwidth' } });
    expect(await adapter().submit(command)).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'INVALID_SERVICE_PARAMETERS', reasonMessage: expect.stringContaining('INVALID_PARAM') });
  });

  test('an unknown status in the acceptance → accepted, flagged for investigation', async () => {
    server.respond({ status: 202, body: { provTxnRef: 'PT-1', status: 'QUEUED_V2' } });
    expect(await adapter().submit(command)).toMatchObject({ kind: 'accepted', value: { status: 'UNKNOWN_REQUIRES_INVESTIGATION' } });
  });

  genericFailureCases({ name: 'provisioning submit', server: () => server, call: () => adapter().submit(command), sideEffect: true, successStatus: 202 });
});

describe('status', () => {
  test('200 → our state with order and item; GET on the provider request', async () => {
    server.respond({ status: 200, body: order });
    expect(await adapter().status('PT-1')).toMatchObject({ kind: 'succeeded', value: { providerRequestId: 'PT-1', status: 'PENDING', orderId: 'ord-1', orderItemId: 'item-1' } });
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/provisioning/api/service-orders/PT-1' });
  });

  test('404 NO_SUCH_TXN → rejected PROVIDER_REQUEST_NOT_FOUND', async () => {
    server.respond({ status: 404, body: { errCd: 'NO_SUCH_TXN' } });
    expect(await adapter().status('PT-404')).toMatchObject({ kind: 'rejected', reasonCode: 'PROVIDER_REQUEST_NOT_FOUND' });
  });

  genericFailureCases({ name: 'provisioning status', server: () => server, call: () => adapter().status('PT-1'), sideEffect: false, successStatus: 200 });
});

describe('findByIdempotencyKey', () => {
  test('the request under our clientTxnRef', async () => {
    server.respond({ status: 200, body: { items: [{ ...order, status: 'ERR', errCd: 'X1', errMsg: 'boom' }] } });
    expect(await adapter().findByIdempotencyKey(command.idempotencyKey)).toMatchObject({ kind: 'succeeded', value: { providerRequestId: 'PT-1', status: 'FAILED', failureReason: expect.stringContaining('X1') } });
    expect(server.requests.at(-1)?.query.get('clientTxnRef')).toBe(command.idempotencyKey);
  });

  test('none → succeeded with undefined', async () => {
    server.respond({ status: 200, body: { items: [] } });
    expect(await adapter().findByIdempotencyKey('k')).toMatchObject({ kind: 'succeeded', value: undefined });
  });

  genericFailureCases({ name: 'provisioning findByIdempotencyKey', server: () => server, call: () => adapter().findByIdempotencyKey('k'), sideEffect: false, successStatus: 200 });
});
