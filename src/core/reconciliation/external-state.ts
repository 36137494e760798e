// What the external system actually holds for an attempt whose outcome we do not know, asked by
// our idempotency key (or reference). The answer uses the ledger's vocabulary, so a repair can
// store it exactly as a normal answer would have been stored.
import type { SystemPorts } from '../ports/systems.ts';
import type { OrderSnapshot } from '../domain/order.ts';
import type { ExternalResult } from '../ports/external-result.ts';

export type Observation =
  | {
      readonly kind: 'executed';
      /** the attempt status a normal answer would have produced */
      readonly status: 'SUCCEEDED' | 'PENDING';
      readonly value: unknown;
      readonly externalRequestId?: string | undefined;
      readonly externalReferenceId?: string | undefined;
      readonly summary: string;
    }
  | { readonly kind: 'executed-differently'; readonly summary: string; readonly observed: unknown }
  | { readonly kind: 'not-executed'; readonly summary: string }
  | { readonly kind: 'unknown'; readonly summary: string };

export interface AttemptUnderReview {
  readonly system: string;
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly businessObjectId: string;
}

const unknown = (what: string, r: ExternalResult<unknown>): Observation => ({
  kind: 'unknown',
  summary: `${what} could not be asked: ${r.kind === 'failed' ? `${r.category} ${r.message}` : r.kind === 'rejected' ? `${r.reasonCode} ${r.reasonMessage}` : r.kind}`,
});

export async function observeExternalState(ports: SystemPorts, attempt: AttemptUnderReview, order: OrderSnapshot | undefined): Promise<Observation> {
  const key = attempt.idempotencyKey;
  switch (`${attempt.system}/${attempt.operation}`) {
    case 'BILLING/ACTIVATE_SUBSCRIPTION': {
      const r = await ports.billing.findActivation(key);
      if (r.kind !== 'succeeded') return unknown('billing', r);
      return r.value
        ? { kind: 'executed', status: 'SUCCEEDED', value: r.value, externalReferenceId: r.value.externalBillingId, summary: `billing holds activation ${r.value.externalBillingId} (activated ${r.value.activatedAt}) under our key` }
        : { kind: 'not-executed', summary: 'billing holds no activation under our key' };
    }
    case 'INVENTORY/RESERVE_RESOURCE': {
      const r = await ports.inventory.findReservation(key);
      if (r.kind !== 'succeeded') return unknown('inventory', r);
      return r.value
        ? { kind: 'executed', status: 'SUCCEEDED', value: r.value, externalReferenceId: r.value.reservationId, summary: `inventory holds reservation ${r.value.reservationId} under our key` }
        : { kind: 'not-executed', summary: 'inventory holds no reservation under our key' };
    }
    case 'PROVISIONING/ACTIVATE_SERVICE':
    case 'PROVISIONING/DEACTIVATE_SERVICE': {
      const r = await ports.provisioning.findByIdempotencyKey(key);
      if (r.kind !== 'succeeded') return unknown('provisioning', r);
      const state = r.value;
      if (!state) return { kind: 'not-executed', summary: 'provisioning holds no request under our transaction reference' };
      const [orderId, itemId] = attempt.businessObjectId.split('/');
      if (state.orderId !== orderId || (itemId !== undefined && state.orderItemId !== itemId)) {
        return { kind: 'executed-differently', observed: state, summary: `provisioning holds request ${state.providerRequestId} under our reference for order ${state.orderId} item ${state.orderItemId}, not ${attempt.businessObjectId}` };
      }
      return {
        kind: 'executed',
        status: 'PENDING',
        value: { providerRequestId: state.providerRequestId, status: state.status },
        externalRequestId: state.providerRequestId,
        summary: `provisioning holds our request ${state.providerRequestId} (status ${state.status})`,
      };
    }
    case 'NOTIFICATION/SEND_ORDER_CONFIRMATION': {
      if (!order) return { kind: 'unknown', summary: 'the order (recipient) is not known' };
      const r = await ports.notification.findSent(order.contact.email, 'ORDER_CONFIRMATION');
      if (r.kind !== 'succeeded') return unknown('notification', r);
      const ours = r.value.filter((m) => m.reference === key);
      const first = ours[0];
      if (!first) return { kind: 'not-executed', summary: 'the provider lists no message with our reference' };
      return { kind: 'executed', status: 'SUCCEEDED', value: { messageId: first.messageId }, externalReferenceId: first.messageId, summary: `the provider sent message ${first.messageId} with our reference (${ours.length} in all)` };
    }
    default:
      return { kind: 'unknown', summary: `no way to ask ${attempt.system} about ${attempt.operation}` };
  }
}
