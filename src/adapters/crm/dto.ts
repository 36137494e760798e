// CRM's own wire format (simulators/README.md, `/crm`). These names never leave src/adapters/crm.
import { z } from 'zod';

/** GET /v2/accounts/{custNo} → 200. Unknown extra fields are tolerated (stripped). */
export const crmAccountDto = z.object({
  custNo: z.string(),
  /** A active, S suspended, C closed; any other letter is a contract violation */
  acctStatus: z.enum(['A', 'S', 'C']),
  billAcctRef: z.string(),
  eligFlags: z.array(z.string()),
  // documented but not read: optional, so a CRM that drops them does not fail our validation
  segment: z.string().optional(),
  updatedTs: z.string().optional(),
});
export type CrmAccountDto = z.output<typeof crmAccountDto>;

/** 4xx body, e.g. 404 {errCd: "CUST_NOT_FOUND", errMsg}. */
export const crmErrorDto = z.object({ errCd: z.string(), errMsg: z.string().optional() });
export type CrmErrorDto = z.output<typeof crmErrorDto>;

export const CRM_CUSTOMER_NOT_FOUND = 'CUST_NOT_FOUND';
