// Explicit translation between the inventory vocabulary and ours (seed 000 §12, §20).
import { externalDetail } from '../http-response.ts';
import { RESERVATION_HELD, type InventoryErrorDto, type ReleaseDto, type ReservationDto, type ReservationListDto, type ReservationRequestDto } from './dto.ts';
import type { InventoryRelease, InventoryReservation, InventoryReservationCommand } from '../../core/ports/inventory.ts';

export function toExternalReservationRequest(cmd: InventoryReservationCommand): ReservationRequestDto {
  return {
    resourceType: cmd.resourceType,
    quantity: cmd.quantity,
    orderRef: cmd.orderId,
    itemRef: cmd.orderItemId,
    constraints: { ...cmd.constraints },
  };
}

export function toExternalReleasePath(reservationId: string): string {
  return `/v1/reservations/${encodeURIComponent(reservationId)}`;
}

export function toInternalReservation(dto: ReservationDto): InventoryReservation {
  return {
    reservationId: dto.reservationId,
    resources: dto.resources.map((r) => ({ resourceId: r.resourceId, value: String(r.value) })),
    expiresAt: dto.expiresAt,
  };
}

export function toInternalRelease(dto: ReleaseDto): InventoryRelease {
  return { reservationId: dto.reservationId, released: true };
}

/**
 * What the inventory still holds under our key. A released reservation is not held any more, so
 * it does not count: reporting it would let reconciliation build on resources that are gone.
 */
export function toInternalHeldReservation(dto: ReservationListDto): InventoryReservation | undefined {
  const held = dto.items.find((r) => r.state === RESERVATION_HELD);
  return held ? toInternalReservation(held) : undefined;
}

export function toInternalOutOfStock(cmd: InventoryReservationCommand, dto: InventoryErrorDto) {
  return {
    reasonCode: 'RESOURCE_UNAVAILABLE',
    reasonMessage: `inventory cannot reserve ${cmd.quantity} × ${cmd.resourceType} for order ${cmd.orderId} item ${cmd.orderItemId}${externalDetail(dto.code, dto.message)}`,
  } as const;
}

export function toInternalInvalidReservation(cmd: InventoryReservationCommand, dto: InventoryErrorDto | undefined) {
  return {
    reasonCode: 'INVALID_RESERVATION_REQUEST',
    reasonMessage: `inventory refused the reservation request for order ${cmd.orderId} item ${cmd.orderItemId}${externalDetail(dto?.code, dto?.message)}`,
  } as const;
}

export function toInternalKeyReused(idempotencyKey: string, dto: InventoryErrorDto): string {
  return `inventory holds a different reservation request under idempotency key ${idempotencyKey}${externalDetail(dto.code, dto.message)}`;
}
