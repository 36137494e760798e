import { CannedHttpServer } from '../../integration/http/testing/canned-http-server.ts';
import { testClient } from '../../integration/http/testing/test-client.ts';
import { genericFailureCases } from '../testing/generic-failure-cases.ts';
import { InventoryHttpAdapter } from './http-adapter.ts';
import type { InventoryReleaseCommand, InventoryReservationCommand } from '../../core/ports/inventory.ts';

let server: CannedHttpServer;
beforeAll(async () => {
  server = await CannedHttpServer.start();
});
afterAll(() => server.stop());

const adapter = () => new InventoryHttpAdapter(testClient('INVENTORY', server.url('/inventory')));
const reserveCmd: InventoryReservationCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  orderItemId: 'item-1',
  resourceType: 'MSISDN',
  quantity: 1,
  constraints: { region: 'JKT' },
  idempotencyKey: 'inventory-reservation:t1:ord-1:item-1',
  correlationId: 'corr-1',
};
const releaseCmd: InventoryReleaseCommand = { tenantId: 't1', orderId: 'ord-1', orderItemId: 'item-1', reservationId: 'RSV-1', idempotencyKey: 'inventory-release:t1:ord-1:item-1', correlationId: 'corr-1' };
const reservation = { reservationId: 'RSV-1', state: 'HELD', resources: [{ resourceId: 'R-1', value: '62811000001' }], expiresAt: '2026-07-02T00:00:00Z' };

describe('reserve', () => {
  test('201 → succeeded, reservation id as reference; sends the Idempotency-Key and the mapped body', async () => {
    server.respond({ status: 201, body: reservation });
    const r = await adapter().reserve(reserveCmd);
    expect(r).toMatchObject({ kind: 'succeeded', externalReferenceId: 'RSV-1', value: { reservationId: 'RSV-1', resources: [{ resourceId: 'R-1', value: '62811000001' }] } });
    const req = server.requests.at(-1);
    expect(req).toMatchObject({ method: 'POST', path: '/inventory/v1/reservations', body: { resourceType: 'MSISDN', quantity: 1, orderRef: 'ord-1', itemRef: 'item-1', constraints: { region: 'JKT' } } });
    expect(req?.headers['idempotency-key']).toBe(reserveCmd.idempotencyKey);
    expect(r.exchange.request).toMatchObject({ headers: { 'Idempotency-Key': reserveCmd.idempotencyKey } });
  });

  test('200 replayed → succeeded (our own earlier request)', async () => {
    server.respond({ status: 200, body: reservation, headers: { 'idempotent-replayed': 'true' } });
    expect(await adapter().reserve(reserveCmd)).toMatchObject({ kind: 'succeeded', externalReferenceId: 'RSV-1' });
  });

  test('422 OUT_OF_STOCK → rejected BUSINESS_REJECTED RESOURCE_UNAVAILABLE', async () => {
    server.respond({ status: 422, body: { code: 'OUT_OF_STOCK', message: 'no stock' } });
    expect(await adapter().reserve(reserveCmd)).toMatchObject({ kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: 'RESOURCE_UNAVAILABLE' });
  });

  test('400 → rejected VALIDATION_REJECTED', async () => {
    server.respond({ status: 400, body: { code: 'INVALID_REQUEST', message: 'quantity' } });
    expect(await adapter().reserve(reserveCmd)).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: 'INVALID_RESERVATION_REQUEST', reasonMessage: expect.stringContaining('INVALID_REQUEST') });
  });

  test('409 IDEMPOTENCY_KEY_REUSED → duplicate that is not our request', async () => {
    server.respond({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'other body' } });
    expect(await adapter().reserve(reserveCmd)).toMatchObject({ kind: 'duplicate', matchesOurRequest: false, detail: expect.stringContaining(reserveCmd.idempotencyKey) });
  });

  test('409 with another code → CONFLICT failure (generic)', async () => {
    server.respond({ status: 409, body: { code: 'LOCKED' } });
    expect(await adapter().reserve(reserveCmd)).toMatchObject({ kind: 'failed', category: 'CONFLICT', retryable: false });
  });

  genericFailureCases({ name: 'inventory reserve', server: () => server, call: () => adapter().reserve(reserveCmd), sideEffect: true, successStatus: 201 });
});

describe('release', () => {
  test('200 → succeeded released; DELETE on the reservation', async () => {
    server.respond({ status: 200, body: { reservationId: 'RSV-1', state: 'RELEASED' } });
    expect(await adapter().release(releaseCmd)).toMatchObject({ kind: 'succeeded', value: { reservationId: 'RSV-1', released: true } });
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/inventory/v1/reservations/RSV-1' });
  });

  test('404 NOT_FOUND → succeeded: nothing is held under that id any more', async () => {
    server.respond({ status: 404, body: { code: 'NOT_FOUND' } });
    const r = await adapter().release(releaseCmd);
    expect(r).toMatchObject({ kind: 'succeeded', value: { reservationId: 'RSV-1', released: true } });
    expect(r.exchange.httpStatus).toBe(404);
  });

  test('a 404 without the inventory code is not a release', async () => {
    server.respond({ status: 404, rawBody: '' });
    expect(await adapter().release(releaseCmd)).toMatchObject({ kind: 'rejected', category: 'VALIDATION_REJECTED' });
  });

  genericFailureCases({ name: 'inventory release', server: () => server, call: () => adapter().release(releaseCmd), sideEffect: true, successStatus: 200 });
});

describe('findReservation', () => {
  test('the HELD reservation under the key; the key goes as a query parameter', async () => {
    server.respond({ status: 200, body: { items: [reservation] } });
    expect(await adapter().findReservation('k-1')).toMatchObject({ kind: 'succeeded', value: { reservationId: 'RSV-1' }, externalReferenceId: 'RSV-1' });
    const req = server.requests.at(-1);
    expect(req?.path).toBe('/inventory/v1/reservations');
    expect(req?.query.get('idempotencyKey')).toBe('k-1');
  });

  test('none → succeeded with undefined', async () => {
    server.respond({ status: 200, body: { items: [] } });
    expect(await adapter().findReservation('k-1')).toMatchObject({ kind: 'succeeded', value: undefined });
  });

  genericFailureCases({ name: 'inventory findReservation', server: () => server, call: () => adapter().findReservation('k-1'), sideEffect: false, successStatus: 200 });
});
