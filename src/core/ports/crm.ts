// CRM: customer account validation (read only, seed 000 §11).
import type { ExternalResult } from './external-result.ts';

export interface CustomerAccountValidationCommand {
  readonly tenantId: string;
  readonly customerAccountId: string;
  readonly marketSegment: string;
  readonly correlationId: string;
}

/** Only an active account validates; suspended, closed and unknown ones come back as business rejections. */
export interface CustomerAccountValidation {
  readonly accountStatus: 'ACTIVE';
  readonly billingAccountId: string;
  readonly eligibilityFlags: readonly string[];
}

export interface CrmPort {
  validateCustomerAccount(cmd: CustomerAccountValidationCommand): Promise<ExternalResult<CustomerAccountValidation>>;
}
