// InventoryPort over the inventory HTTP API. Reserve and release change inventory state: an
// unanswered request is ambiguous. Reservations are idempotent on our Idempotency-Key.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import { failureOf, type HttpSender } from '../../integration/http/system-client.ts';
import { READ, SIDE_EFFECT, errorBody, readBody } from '../http-response.ts';
import { INVENTORY_ERRORS, inventoryErrorDto, releaseDto, reservationDto, reservationListDto } from './dto.ts';
import {
  toExternalReleasePath,
  toExternalReservationRequest,
  toInternalHeldReservation,
  toInternalInvalidReservation,
  toInternalKeyReused,
  toInternalOutOfStock,
  toInternalRelease,
  toInternalReservation,
} from './mapper.ts';
import type { InventoryPort, InventoryRelease, InventoryReleaseCommand, InventoryReservation, InventoryReservationCommand } from '../../core/ports/inventory.ts';

export class InventoryHttpAdapter implements InventoryPort {
  private readonly client: HttpSender;

  constructor(client: HttpSender) {
    this.client = client;
  }

  async reserve(cmd: InventoryReservationCommand): Promise<ExternalResult<InventoryReservation>> {
    const outcome = await this.client.send({ method: 'POST', path: '/v1/reservations', body: toExternalReservationRequest(cmd), headers: { 'Idempotency-Key': cmd.idempotencyKey } });
    if (outcome.kind !== 'response') return failureOf(outcome, SIDE_EFFECT);
    const { exchange } = outcome;
    switch (outcome.status) {
      case 200: // our own earlier request, replayed by the inventory (Idempotent-Replayed: true)
      case 201:
        return readBody(outcome, reservationDto, 'inventory reservation', (dto) => ({ kind: 'succeeded', value: toInternalReservation(dto), externalReferenceId: dto.reservationId, exchange }));
      case 400:
        return { kind: 'rejected', category: 'VALIDATION_REJECTED', ...toInternalInvalidReservation(cmd, errorBody(outcome, inventoryErrorDto)), exchange };
      case 409: {
        const error = errorBody(outcome, inventoryErrorDto);
        if (error?.code === INVENTORY_ERRORS.keyReused) return { kind: 'duplicate', matchesOurRequest: false, detail: toInternalKeyReused(cmd.idempotencyKey, error), exchange };
        break;
      }
      case 422: {
        const error = errorBody(outcome, inventoryErrorDto);
        if (error?.code === INVENTORY_ERRORS.outOfStock) return { kind: 'rejected', category: 'BUSINESS_REJECTED', ...toInternalOutOfStock(cmd, error), exchange };
        break;
      }
    }
    return failureOf(outcome, SIDE_EFFECT);
  }

  async release(cmd: InventoryReleaseCommand): Promise<ExternalResult<InventoryRelease>> {
    const outcome = await this.client.send({ method: 'DELETE', path: toExternalReleasePath(cmd.reservationId) });
    if (outcome.kind !== 'response') return failureOf(outcome, SIDE_EFFECT);
    const { exchange } = outcome;
    if (outcome.status === 200) return readBody(outcome, releaseDto, 'inventory release', (dto) => ({ kind: 'succeeded', value: toInternalRelease(dto), externalReferenceId: dto.reservationId, exchange }));
    // 404 NOT_FOUND: the inventory holds nothing under this id (expired, purged, or never made).
    // Release is a compensation whose goal is "nothing held for us": that goal is met, so it
    // succeeds (releasing is idempotent from our side); the 404 stays in the evidence.
    if (outcome.status === 404 && errorBody(outcome, inventoryErrorDto)?.code === INVENTORY_ERRORS.notFound) {
      return { kind: 'succeeded', value: { reservationId: cmd.reservationId, released: true }, externalReferenceId: cmd.reservationId, exchange };
    }
    return failureOf(outcome, SIDE_EFFECT);
  }

  async findReservation(idempotencyKey: string): Promise<ExternalResult<InventoryReservation | undefined>> {
    const outcome = await this.client.send({ method: 'GET', path: '/v1/reservations', searchParams: { idempotencyKey } });
    if (outcome.kind !== 'response' || outcome.status !== 200) return failureOf(outcome, READ);
    return readBody(outcome, reservationListDto, 'inventory reservation list', (dto) => {
      const held = toInternalHeldReservation(dto);
      return { kind: 'succeeded', value: held, externalReferenceId: held?.reservationId, exchange: outcome.exchange };
    });
  }
}
