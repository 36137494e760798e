import { reservationDto } from './dto.ts';
import { toExternalReleasePath, toExternalReservationRequest, toInternalHeldReservation, toInternalOutOfStock, toInternalRelease, toInternalReservation } from './mapper.ts';
import type { InventoryReservationCommand } from '../../core/ports/inventory.ts';

const command: InventoryReservationCommand = {
  tenantId: 't1',
  orderId: 'ord-1',
  orderItemId: 'item-1',
  resourceType: 'MSISDN',
  quantity: 2,
  constraints: { region: 'JKT', stock: 5 },
  idempotencyKey: 'inventory-reservation:t1:ord-1:item-1',
  correlationId: 'corr-1',
};
const held = { reservationId: 'RSV-1', state: 'HELD', resources: [{ resourceId: 'R-1', value: '62811000001' }], expiresAt: '2026-07-02T00:00:00Z' };

test('the command becomes the inventory reservation body (order/item refs, no tenant, no key in the body)', () => {
  expect(toExternalReservationRequest(command)).toEqual({ resourceType: 'MSISDN', quantity: 2, orderRef: 'ord-1', itemRef: 'item-1', constraints: { region: 'JKT', stock: 5 } });
});

test('the release path names the reservation (encoded)', () => {
  expect(toExternalReleasePath('RSV/1')).toBe('/v1/reservations/RSV%2F1');
});

test('a reservation maps to ours; numeric resource values become text', () => {
  expect(toInternalReservation({ ...held, resources: [{ resourceId: 'PORT-1', value: 8080 }] })).toEqual({ reservationId: 'RSV-1', resources: [{ resourceId: 'PORT-1', value: '8080' }], expiresAt: '2026-07-02T00:00:00Z' });
});

test('a release maps to released: true', () => {
  expect(toInternalRelease({ reservationId: 'RSV-1', state: 'RELEASED' })).toEqual({ reservationId: 'RSV-1', released: true });
});

test('found: only a HELD reservation is what the inventory holds for us', () => {
  expect(toInternalHeldReservation({ items: [] })).toBeUndefined();
  expect(toInternalHeldReservation({ items: [{ ...held, state: 'RELEASED' }] })).toBeUndefined();
  expect(toInternalHeldReservation({ items: [{ ...held, state: 'RELEASED', reservationId: 'RSV-0' }, held] })?.reservationId).toBe('RSV-1');
});

test('out of stock: internal reason code, external code only in the message', () => {
  expect(toInternalOutOfStock(command, { code: 'OUT_OF_STOCK', message: 'none left' })).toEqual({ reasonCode: 'RESOURCE_UNAVAILABLE', reasonMessage: expect.stringContaining('OUT_OF_STOCK: none left') });
});

test('extra fields are tolerated and dropped', () => {
  expect(reservationDto.parse({ ...held, warehouse: 'W1', resources: [{ resourceId: 'R-1', value: 'x', kind: 'SIM' }] })).toEqual({ ...held, resources: [{ resourceId: 'R-1', value: 'x' }] });
});
