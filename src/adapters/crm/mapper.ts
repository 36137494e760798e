// Explicit translation between the CRM vocabulary and ours (seed 000 §11, §20).
import { externalDetail } from '../http-response.ts';
import type { CrmAccountDto, CrmErrorDto } from './dto.ts';
import type { CustomerAccountValidation, CustomerAccountValidationCommand } from '../../core/ports/crm.ts';

/** The CRM lookup a validation command becomes (a read: the path names the account). */
export function toExternalAccountPath(cmd: CustomerAccountValidationCommand): string {
  return `/v2/accounts/${encodeURIComponent(cmd.customerAccountId)}`;
}

export type AccountVerdict =
  | { readonly kind: 'valid'; readonly value: CustomerAccountValidation }
  | { readonly kind: 'rejected'; readonly reasonCode: 'ACCOUNT_SUSPENDED' | 'ACCOUNT_CLOSED' | 'ACCOUNT_NOT_FOUND'; readonly reasonMessage: string };

/** Only an active account validates; suspended and closed ones are business rejections (seed 000 §11.2). */
export function toInternalAccountValidation(dto: CrmAccountDto): AccountVerdict {
  switch (dto.acctStatus) {
    case 'A':
      return { kind: 'valid', value: { accountStatus: 'ACTIVE', billingAccountId: dto.billAcctRef, eligibilityFlags: [...dto.eligFlags] } };
    case 'S':
      return { kind: 'rejected', reasonCode: 'ACCOUNT_SUSPENDED', reasonMessage: `customer account ${dto.custNo} is suspended in CRM` };
    case 'C':
      return { kind: 'rejected', reasonCode: 'ACCOUNT_CLOSED', reasonMessage: `customer account ${dto.custNo} is closed in CRM` };
  }
}

export function toInternalAccountNotFound(customerAccountId: string, dto: CrmErrorDto): AccountVerdict {
  return { kind: 'rejected', reasonCode: 'ACCOUNT_NOT_FOUND', reasonMessage: `customer account ${customerAccountId} does not exist in CRM${externalDetail(dto.errCd, dto.errMsg)}` };
}
