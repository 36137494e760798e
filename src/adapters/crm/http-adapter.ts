// CrmPort over CRM's HTTP API. A read: an unanswered request is a plain timeout, never ambiguous.
import type { ExternalResult } from '../../core/ports/external-result.ts';
import { failureOf, type HttpSender } from '../../integration/http/system-client.ts';
import { READ, errorBody, readBody, type HttpResponse } from '../http-response.ts';
import { CRM_CUSTOMER_NOT_FOUND, crmAccountDto, crmErrorDto } from './dto.ts';
import { toExternalAccountPath, toInternalAccountNotFound, toInternalAccountValidation, type AccountVerdict } from './mapper.ts';
import type { CrmPort, CustomerAccountValidation, CustomerAccountValidationCommand } from '../../core/ports/crm.ts';

export class CrmHttpAdapter implements CrmPort {
  private readonly client: HttpSender;

  constructor(client: HttpSender) {
    this.client = client;
  }

  async validateCustomerAccount(cmd: CustomerAccountValidationCommand): Promise<ExternalResult<CustomerAccountValidation>> {
    const outcome = await this.client.send({ method: 'GET', path: toExternalAccountPath(cmd) });
    if (outcome.kind !== 'response') return failureOf(outcome, READ);
    if (outcome.status === 200) return readBody(outcome, crmAccountDto, 'CRM account', (dto) => verdictResult(toInternalAccountValidation(dto), outcome));
    if (outcome.status === 404) {
      const error = errorBody(outcome, crmErrorDto);
      // a 404 without CRM's own code (a proxy, a wrong path) is not evidence that the account is missing
      if (error?.errCd === CRM_CUSTOMER_NOT_FOUND) return verdictResult(toInternalAccountNotFound(cmd.customerAccountId, error), outcome);
    }
    return failureOf(outcome, READ);
  }
}

function verdictResult(verdict: AccountVerdict, outcome: HttpResponse): ExternalResult<CustomerAccountValidation> {
  return verdict.kind === 'valid'
    ? { kind: 'succeeded', value: verdict.value, exchange: outcome.exchange }
    : { kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: verdict.reasonCode, reasonMessage: verdict.reasonMessage, exchange: outcome.exchange };
}
