// Inventory's own wire format (simulators/README.md, `/inventory`). These names stay in this folder.
import { z } from 'zod';

/** POST /v1/reservations (header Idempotency-Key). */
export const reservationRequestDto = z.object({
  resourceType: z.string(),
  quantity: z.number().int().positive(),
  orderRef: z.string(),
  itemRef: z.string(),
  constraints: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type ReservationRequestDto = z.output<typeof reservationRequestDto>;

/** 201 (or 200 replayed) and the items of GET /v1/reservations?idempotencyKey=… */
export const reservationDto = z.object({
  reservationId: z.string(),
  /** HELD, RELEASED, …: kept open, the adapter decides what it means */
  state: z.string(),
  // a resource value (a number, a port) may come as a number: accepted, we keep text
  resources: z.array(z.object({ resourceId: z.string(), value: z.union([z.string(), z.number()]) })),
  expiresAt: z.string().optional(),
});
export type ReservationDto = z.output<typeof reservationDto>;

export const reservationListDto = z.object({ items: z.array(reservationDto) });
export type ReservationListDto = z.output<typeof reservationListDto>;

/** DELETE /v1/reservations/{reservationId} → 200. */
export const releaseDto = z.object({ reservationId: z.string(), state: z.literal('RELEASED') });
export type ReleaseDto = z.output<typeof releaseDto>;

/** 4xx body: {code, message}. */
export const inventoryErrorDto = z.object({ code: z.string(), message: z.string().optional() });
export type InventoryErrorDto = z.output<typeof inventoryErrorDto>;

export const INVENTORY_ERRORS = { outOfStock: 'OUT_OF_STOCK', keyReused: 'IDEMPOTENCY_KEY_REUSED', notFound: 'NOT_FOUND' } as const;
export const RESERVATION_HELD = 'HELD';
