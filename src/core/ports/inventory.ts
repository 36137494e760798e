// Inventory: resource reservation and release (seed 000 §12).
import type { ExternalResult } from './external-result.ts';

export interface InventoryReservationCommand {
  readonly tenantId: string;
  readonly orderId: string;
  readonly orderItemId: string;
  readonly resourceType: string;
  readonly quantity: number;
  readonly constraints: Readonly<Record<string, string | number | boolean>>;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface InventoryReservation {
  readonly reservationId: string;
  readonly resources: readonly { readonly resourceId: string; readonly value: string }[];
  readonly expiresAt?: string | undefined;
}

export interface InventoryReleaseCommand {
  readonly tenantId: string;
  readonly orderId: string;
  readonly orderItemId: string;
  readonly reservationId: string;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface InventoryRelease {
  readonly reservationId: string;
  readonly released: true;
}

export interface InventoryPort {
  reserve(cmd: InventoryReservationCommand): Promise<ExternalResult<InventoryReservation>>;
  release(cmd: InventoryReleaseCommand): Promise<ExternalResult<InventoryRelease>>;
  /** What the inventory holds under our idempotency key (reconciliation); succeeded with undefined = nothing. */
  findReservation(idempotencyKey: string): Promise<ExternalResult<InventoryReservation | undefined>>;
}
