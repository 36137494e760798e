// CRM: read-only customer accounts, in CRM's legacy vocabulary (custNo, acctStatus A/S/C). The
// accounts are derived from the customer number, so demo data needs no setup: the prefixes
// CUST-SUSPENDED, CUST-CLOSED and CUST-UNKNOWN pick the behaviour.
import { apiKeyAuth } from '../kit/auth.ts';
import type { SimReply, SystemDefinition } from '../kit/system-routes.ts';
import type { SimulatedSystem } from './simulated-system.ts';
import { SYSTEM_PATHS } from '../endpoints.ts';

export interface CrmAccount {
  readonly custNo: string;
  readonly acctStatus: 'A' | 'S' | 'C';
  readonly billAcctRef: string;
  readonly segment: string;
  readonly eligFlags: readonly string[];
  readonly updatedTs: string;
}

const errorBody = (errCd: string, errMsg: string) => ({ errCd, errMsg });

/** undefined: CRM does not know the customer. */
export function crmAccountOf(custNo: string): CrmAccount | undefined {
  if (custNo === '' || custNo.startsWith('CUST-UNKNOWN')) return undefined;
  const acctStatus = custNo.startsWith('CUST-SUSPENDED') ? 'S' : custNo.startsWith('CUST-CLOSED') ? 'C' : 'A';
  return {
    custNo,
    acctStatus,
    // CUST-REJECT-7 → BA-REJECT-7, which billing refuses: one customer number drives a whole scenario
    billAcctRef: `BA-${custNo.replace(/^CUST-/, '')}`,
    segment: custNo.includes('BIZ') ? 'SMB' : 'RES',
    eligFlags: acctStatus === 'A' ? ['FIBER', 'MOBILE', 'TV'] : [],
    updatedTs: '2024-01-15T08:30:00Z',
  };
}

function getAccount(custNo: string): SimReply {
  const account = crmAccountOf(custNo);
  return account ? { status: 200, body: account } : { status: 404, body: errorBody('CUST_NOT_FOUND', `no customer ${custNo}`) };
}

export function createCrmSystem(options: { readonly apiKey: string }): SimulatedSystem {
  const definition: SystemDefinition = {
    name: 'crm',
    prefix: SYSTEM_PATHS.crm,
    auth: apiKeyAuth('x-api-key', options.apiKey),
    errorBody,
    badRequestCode: 'BAD_REQUEST',
    routes: [{ method: 'GET', url: '/v2/accounts/:custNo', operation: 'getAccount', successStatus: 200, handle: (r) => getAccount(r.params.custNo ?? '') }],
  };
  return { definition, reset: () => undefined };
}
