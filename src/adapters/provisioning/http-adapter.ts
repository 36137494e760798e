// ProvisioningPort over the provisioning HTTP API (asynchronous: a submit is accepted, the result
// arrives by callback or status poll). Idempotent on clientTxnRef = our idempotency key.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import { failureOf, type HttpSender } from '../../integration/http/system-client.ts';
import { READ, SIDE_EFFECT, errorBody, readBody } from '../http-response.ts';
import { PROVISIONING_ERRORS, provisioningErrorDto, serviceOrderAcceptedDto, serviceOrderDto, serviceOrderDuplicateDto, serviceOrderListDto } from './dto.ts';
import {
  toExternalServiceOrder,
  toExternalServiceOrderPath,
  toInternalAccepted,
  toInternalConflict,
  toInternalFoundState,
  toInternalInvalidServiceOrder,
  toInternalState,
  toInternalUnknownRequest,
} from './mapper.ts';
import type { ProvisioningAccepted, ProvisioningCommand, ProvisioningPort, ProvisioningState } from '../../core/ports/provisioning.ts';

export class ProvisioningHttpAdapter implements ProvisioningPort {
  private readonly client: HttpSender;

  constructor(client: HttpSender) {
    this.client = client;
  }

  async submit(cmd: ProvisioningCommand): Promise<ExternalResult<ProvisioningAccepted>> {
    const outcome = await this.client.send({ method: 'POST', path: '/api/service-orders', body: toExternalServiceOrder(cmd) });
    if (outcome.kind !== 'response') return failureOf(outcome, SIDE_EFFECT);
    const { exchange } = outcome;
    switch (outcome.status) {
      case 202:
        return readBody(outcome, serviceOrderAcceptedDto, 'provisioning acceptance', (dto) => ({ kind: 'accepted', value: toInternalAccepted(dto), externalRequestId: dto.provTxnRef, exchange }));
      case 200:
        // Our own earlier request (same clientTxnRef, same payload): seed 000 §29.2 "same order →
        // success and link the external id". It is accepted like a first submission, so the
        // provider request id is linked and its result is awaited the same way.
        return readBody(outcome, serviceOrderDuplicateDto, 'provisioning duplicate answer', (dto) => ({ kind: 'accepted', value: toInternalAccepted(dto), externalRequestId: dto.provTxnRef, exchange }));
      case 400:
        return { kind: 'rejected', category: 'VALIDATION_REJECTED', ...toInternalInvalidServiceOrder(cmd, errorBody(outcome, provisioningErrorDto)), exchange };
      case 409: {
        const error = errorBody(outcome, provisioningErrorDto);
        if (error?.errCd === PROVISIONING_ERRORS.duplicateTxn) return { kind: 'duplicate', matchesOurRequest: false, detail: toInternalConflict(cmd, error), exchange };
        break;
      }
    }
    return failureOf(outcome, SIDE_EFFECT);
  }

  async status(providerRequestId: string): Promise<ExternalResult<ProvisioningState>> {
    const outcome = await this.client.send({ method: 'GET', path: toExternalServiceOrderPath(providerRequestId) });
    if (outcome.kind !== 'response') return failureOf(outcome, READ);
    const { exchange } = outcome;
    if (outcome.status === 200) return readBody(outcome, serviceOrderDto, 'provisioning status', (dto) => ({ kind: 'succeeded', value: toInternalState(dto), externalRequestId: dto.provTxnRef, exchange }));
    if (outcome.status === 404) {
      const error = errorBody(outcome, provisioningErrorDto);
      // we hold a provider request id the provider does not know: nothing to retry, someone must look
      if (error?.errCd === PROVISIONING_ERRORS.noSuchTxn) return { kind: 'rejected', category: 'VALIDATION_REJECTED', ...toInternalUnknownRequest(providerRequestId, error), exchange };
    }
    return failureOf(outcome, READ);
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<ExternalResult<ProvisioningState | undefined>> {
    const outcome = await this.client.send({ method: 'GET', path: '/api/service-orders', searchParams: { clientTxnRef: idempotencyKey } });
    if (outcome.kind !== 'response' || outcome.status !== 200) return failureOf(outcome, READ);
    return readBody(outcome, serviceOrderListDto, 'provisioning search', (dto) => {
      const state = toInternalFoundState(dto);
      return { kind: 'succeeded', value: state, externalRequestId: state?.providerRequestId, exchange: outcome.exchange };
    });
  }
}
