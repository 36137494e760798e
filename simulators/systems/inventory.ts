// Inventory: resource reservations, idempotent on the Idempotency-Key header. A reservation
// holds `quantity` resources until released; constraint `stock` below the quantity (demo data:
// `stock: 0`) is refused with OUT_OF_STOCK.
import { z } from 'zod';
import { bearerAuth } from '../kit/auth.ts';
import { payloadHash } from '../kit/fingerprint.ts';
import { IdempotencyStore } from '../kit/idempotency.ts';
import { newId } from '../kit/ids.ts';
import { checkBody } from '../kit/json-body.ts';
import type { SideEffectRecorder } from '../kit/side-effects.ts';
import type { SimReply, SimRequest, SystemDefinition } from '../kit/system-routes.ts';
import type { SimulatedSystem } from './simulated-system.ts';
import { SYSTEM_PATHS } from '../endpoints.ts';

const SYSTEM = 'inventory';
/** how long a reservation is held (informational: the simulator never expires one) */
const HOLD_MS = 15 * 60_000;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const reservationRequestSchema = z.object({
  resourceType: z.string().min(1),
  quantity: z.number().int().min(1).max(1_000),
  orderRef: z.string().min(1),
  itemRef: z.string().min(1),
  constraints: z.record(z.string(), scalar),
});
export type ReservationRequest = z.output<typeof reservationRequestSchema>;

export interface ReservedResource {
  readonly resourceId: string;
  readonly value: string;
}

/** The reservation as the inventory answers it (201 body and list items). */
export interface ReservationView {
  readonly reservationId: string;
  readonly state: 'HELD' | 'RELEASED';
  readonly resources: readonly ReservedResource[];
  readonly expiresAt: string;
}

export interface Reservation {
  view: ReservationView;
  readonly orderRef: string;
  readonly itemRef: string;
  readonly idempotencyKey: string | undefined;
}

const errorBody = (code: string, message: string) => ({ code, message });

function headerText(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** A value in the resource type's own format, so adapters see realistic data. */
function resourceValue(resourceType: string, n: number): string {
  const seed = Math.floor(Math.random() * 1_000_000) + n;
  switch (resourceType.toUpperCase()) {
    case 'MSISDN':
    case 'PHONE_NUMBER':
      return `6281${String(seed).padStart(8, '0')}`;
    case 'IP_ADDRESS':
      return `10.${(seed >> 16) & 255}.${(seed >> 8) & 255}.${seed & 255}`;
    case 'PORT':
      return `OLT-${(seed % 8) + 1}/${(seed % 16) + 1}/${(seed % 64) + 1}`;
    case 'DEVICE':
      return `SN-${seed.toString(16).toUpperCase().padStart(8, '0')}`;
    default:
      return `${resourceType}-${String(seed).padStart(6, '0')}`;
  }
}

function outOfStock(request: ReservationRequest): boolean {
  const stock = request.constraints.stock;
  if (stock === undefined || typeof stock === 'boolean') return false;
  const available = Number(stock);
  return Number.isFinite(available) && request.quantity > available;
}

export function createInventorySystem(options: { readonly token: string; readonly sideEffects: SideEffectRecorder }): SimulatedSystem & { readonly reservations: ReadonlyMap<string, Reservation> } {
  const reservations = new Map<string, Reservation>();
  const keys = new IdempotencyStore<ReservationView>();

  function createReservation(request: SimRequest): SimReply {
    const checked = checkBody(reservationRequestSchema, request.body);
    if (!checked.ok) return { status: 400, body: errorBody('INVALID_REQUEST', checked.message) };
    const order = checked.data;
    const idempotencyKey = headerText(request, 'idempotency-key');
    // the body as sent (not as parsed): any difference in it makes "another body"
    const hash = payloadHash({ params: request.params, body: request.body });
    if (idempotencyKey !== undefined) {
      const verdict = keys.check(idempotencyKey, hash);
      if (verdict.kind === 'replay') return { status: 200, body: verdict.stored, headers: { 'idempotent-replayed': 'true' } };
      if (verdict.kind === 'conflict') return { status: 409, body: errorBody('IDEMPOTENCY_KEY_REUSED', `idempotency key ${idempotencyKey} was used for another reservation request`) };
    }
    if (outOfStock(order)) return { status: 422, body: errorBody('OUT_OF_STOCK', `cannot reserve ${order.quantity} x ${order.resourceType}: not enough stock`) };

    const view: ReservationView = {
      reservationId: newId('RSV'),
      state: 'HELD',
      resources: Array.from({ length: order.quantity }, (_, i) => ({ resourceId: newId('RES'), value: resourceValue(order.resourceType, i) })),
      expiresAt: new Date(Date.now() + HOLD_MS).toISOString(),
    };
    reservations.set(view.reservationId, { view, orderRef: order.orderRef, itemRef: order.itemRef, idempotencyKey });
    if (idempotencyKey !== undefined) keys.remember(idempotencyKey, hash, view);
    options.sideEffects.record({ system: SYSTEM, operation: 'createReservation', idempotencyKey, ref: `${order.orderRef}/${order.itemRef}`, payloadHash: hash });
    return { status: 201, body: view };
  }

  function releaseReservation(request: SimRequest): SimReply {
    const reservationId = request.params.reservationId ?? '';
    const reservation = reservations.get(reservationId);
    if (!reservation) return { status: 404, body: errorBody('NOT_FOUND', `no reservation ${reservationId}`) };
    // releasing twice answers the same and changes nothing, so it is not a second side effect
    if (reservation.view.state !== 'RELEASED') {
      reservation.view = { ...reservation.view, state: 'RELEASED' };
      options.sideEffects.record({ system: SYSTEM, operation: 'releaseReservation', ref: `${reservation.orderRef}/${reservation.itemRef}`, payloadHash: payloadHash({ params: request.params, body: null }) });
    }
    return { status: 200, body: { reservationId, state: 'RELEASED' } };
  }

  function findReservations(request: SimRequest): SimReply {
    const key = request.query.idempotencyKey;
    if (key === undefined || key === '') return { status: 400, body: errorBody('INVALID_REQUEST', 'query parameter idempotencyKey is required') };
    return { status: 200, body: { items: [...reservations.values()].filter((r) => r.idempotencyKey === key).map((r) => r.view) } };
  }

  const definition: SystemDefinition = {
    name: SYSTEM,
    prefix: SYSTEM_PATHS.inventory,
    auth: bearerAuth(options.token, SYSTEM),
    errorBody,
    badRequestCode: 'INVALID_REQUEST',
    routes: [
      { method: 'POST', url: '/v1/reservations', operation: 'createReservation', successStatus: 201, handle: createReservation },
      { method: 'DELETE', url: '/v1/reservations/:reservationId', operation: 'releaseReservation', successStatus: 200, handle: releaseReservation },
      { method: 'GET', url: '/v1/reservations', operation: 'findReservations', successStatus: 200, handle: findReservations },
    ],
  };

  return {
    definition,
    reservations,
    reset: () => {
      reservations.clear();
      keys.clear();
    },
  };
}
