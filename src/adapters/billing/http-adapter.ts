// BillingPort over the billing HTTP API. Financially sensitive: an unanswered activation is
// ambiguous (reconcile first), and every conflict is reported, never smoothed over.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import { failureOf, type HttpSender } from '../../integration/http/system-client.ts';
import { READ, SIDE_EFFECT, errorBody, readBody } from '../http-response.ts';
import { BILLING_ERRORS, activationDto, activationListDto, billingErrorDto } from './dto.ts';
import {
  toExternalActivationPath,
  toExternalActivationRequest,
  toInternalActivation,
  toInternalConflict,
  toInternalFoundActivation,
  toInternalInvalidActivation,
  toInternalNotEligible,
} from './mapper.ts';
import type { BillingActivation, BillingActivationCommand, BillingPort } from '../../core/ports/billing.ts';

export class BillingHttpAdapter implements BillingPort {
  private readonly client: HttpSender;

  constructor(client: HttpSender) {
    this.client = client;
  }

  async activate(cmd: BillingActivationCommand): Promise<ExternalResult<BillingActivation>> {
    const outcome = await this.client.send({ method: 'POST', path: toExternalActivationPath(cmd), body: toExternalActivationRequest(cmd), headers: { 'Idempotency-Key': cmd.idempotencyKey } });
    if (outcome.kind !== 'response') return failureOf(outcome, SIDE_EFFECT);
    const { exchange } = outcome;
    switch (outcome.status) {
      case 200: // our own earlier request, replayed by billing
      case 201:
        return readBody(outcome, activationDto, 'billing activation', (dto) => ({ kind: 'succeeded', value: toInternalActivation(dto), externalReferenceId: dto.activationId, exchange }));
      case 400:
        return { kind: 'rejected', category: 'VALIDATION_REJECTED', ...toInternalInvalidActivation(cmd, errorBody(outcome, billingErrorDto)), exchange };
      case 409: {
        const error = errorBody(outcome, billingErrorDto);
        if (error?.code === BILLING_ERRORS.idempotencyMismatch || error?.code === BILLING_ERRORS.alreadyActive) {
          return { kind: 'duplicate', matchesOurRequest: false, detail: toInternalConflict(cmd, error), exchange };
        }
        break;
      }
      case 422: {
        const error = errorBody(outcome, billingErrorDto);
        if (error?.code === BILLING_ERRORS.accountNotEligible) return { kind: 'rejected', category: 'BUSINESS_REJECTED', ...toInternalNotEligible(cmd, error), exchange };
        break;
      }
    }
    return failureOf(outcome, SIDE_EFFECT);
  }

  async findActivation(idempotencyKey: string): Promise<ExternalResult<BillingActivation | undefined>> {
    const outcome = await this.client.send({ method: 'GET', path: '/v3/activations', searchParams: { idempotencyKey } });
    if (outcome.kind !== 'response' || outcome.status !== 200) return failureOf(outcome, READ);
    return readBody(outcome, activationListDto, 'billing activation list', (dto) => {
      const found = toInternalFoundActivation(dto);
      return { kind: 'succeeded', value: found?.activation, externalReferenceId: found?.activationId, exchange: outcome.exchange };
    });
  }
}
