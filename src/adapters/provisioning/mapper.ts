// Explicit translation between the provisioning vocabulary and ours (seed 000 §13, §20).
import { externalDetail } from '../http-response.ts';
import type { ProvisioningErrorDto, ServiceOrderAcceptedDto, ServiceOrderDto, ServiceOrderListDto, ServiceOrderRequestDto } from './dto.ts';
import type { ProvisioningAccepted, ProvisioningCommand, ProvisioningState } from '../../core/ports/provisioning.ts';
import { toInternalProvisioningStatus } from './status-mapping.ts';

const ACTIONS = { ACTIVATE: 'ADD', DEACTIVATE: 'DELETE' } as const satisfies Record<ProvisioningCommand['action'], ServiceOrderRequestDto['action']>;

/** Our idempotency key is the provider's clientTxnRef: the provider deduplicates on it. */
export function toExternalServiceOrder(cmd: ProvisioningCommand): ServiceOrderRequestDto {
  return {
    clientTxnRef: cmd.idempotencyKey,
    action: ACTIONS[cmd.action],
    svcSpec: cmd.serviceSpecificationCode,
    params: { ...cmd.technicalParameters },
    orderRef: cmd.orderId,
    itemRef: cmd.orderItemId,
    ...(cmd.callbackUrl === undefined ? {} : { callbackUrl: cmd.callbackUrl }),
  };
}

export function toExternalServiceOrderPath(providerRequestId: string): string {
  return `/api/service-orders/${encodeURIComponent(providerRequestId)}`;
}

export function toInternalAccepted(dto: ServiceOrderAcceptedDto): ProvisioningAccepted {
  return { providerRequestId: dto.provTxnRef, status: toInternalProvisioningStatus(dto.status) };
}

export function toInternalState(dto: ServiceOrderDto): ProvisioningState {
  return {
    providerRequestId: dto.provTxnRef,
    status: toInternalProvisioningStatus(dto.status),
    serviceInstanceId: dto.svcInstanceId,
    // the provider's error code is kept only as text, for people reading the fallout
    failureReason: dto.errCd === undefined && dto.errMsg === undefined ? undefined : `provider reported a failure${externalDetail(dto.errCd, dto.errMsg)}`,
    orderId: dto.orderRef,
    orderItemId: dto.itemRef,
  };
}

/** The provider's request under our clientTxnRef, if any (there is at most one per clientTxnRef). */
export function toInternalFoundState(dto: ServiceOrderListDto): ProvisioningState | undefined {
  const [first] = dto.items;
  return first ? toInternalState(first) : undefined;
}

export function toInternalConflict(cmd: ProvisioningCommand, dto: ProvisioningErrorDto): string {
  const held = dto.existingOrderRef !== undefined || dto.existingItemRef !== undefined ? ` for order ${dto.existingOrderRef ?? '?'} item ${dto.existingItemRef ?? '?'}` : '';
  return `provisioning holds a different request under idempotency key ${cmd.idempotencyKey}${held} (we sent order ${cmd.orderId} item ${cmd.orderItemId})${externalDetail(dto.errCd, dto.errMsg)}`;
}

export function toInternalInvalidServiceOrder(cmd: ProvisioningCommand, dto: ProvisioningErrorDto | undefined) {
  return {
    reasonCode: 'INVALID_SERVICE_PARAMETERS',
    reasonMessage: `provisioning refused ${cmd.action.toLowerCase()} of ${cmd.serviceSpecificationCode} for order ${cmd.orderId} item ${cmd.orderItemId}${externalDetail(dto?.errCd, dto?.errMsg)}`,
  } as const;
}

export function toInternalUnknownRequest(providerRequestId: string, dto: ProvisioningErrorDto) {
  return { reasonCode: 'PROVIDER_REQUEST_NOT_FOUND', reasonMessage: `provisioning does not know request ${providerRequestId}${externalDetail(dto.errCd, dto.errMsg)}` } as const;
}
