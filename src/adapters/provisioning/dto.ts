// The provisioning system's own wire format (simulators/README.md, `/provisioning`). Its codes
// (ADD/DELETE, ACK, ERR2, DUP_TXN, …) never leave this folder.
import { z } from 'zod';

/** POST /api/service-orders: idempotent on clientTxnRef. */
export const serviceOrderRequestDto = z.object({
  clientTxnRef: z.string(),
  action: z.enum(['ADD', 'DELETE']),
  svcSpec: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  orderRef: z.string(),
  itemRef: z.string(),
  callbackUrl: z.string().optional(),
});
export type ServiceOrderRequestDto = z.output<typeof serviceOrderRequestDto>;

/**
 * Statuses are read as open text: an unknown one is not a broken contract but a request that
 * needs investigation (seed 000 §13.2), see status-mapping.ts.
 */
const externalStatus = z.string();

/** 202 {provTxnRef, status: "ACK"} */
export const serviceOrderAcceptedDto = z.object({ provTxnRef: z.string(), status: externalStatus });
export type ServiceOrderAcceptedDto = z.output<typeof serviceOrderAcceptedDto>;

/** 200 {provTxnRef, status, duplicate: true}: the same clientTxnRef with the same payload. */
export const serviceOrderDuplicateDto = z.object({ provTxnRef: z.string(), status: externalStatus, duplicate: z.literal(true) });
export type ServiceOrderDuplicateDto = z.output<typeof serviceOrderDuplicateDto>;

/** GET /api/service-orders/{provTxnRef}, the items of the search, and the callback body. */
export const serviceOrderDto = z.object({
  provTxnRef: z.string(),
  clientTxnRef: z.string(),
  orderRef: z.string(),
  itemRef: z.string(),
  status: externalStatus,
  svcInstanceId: z.string().optional(),
  errCd: z.string().optional(),
  errMsg: z.string().optional(),
});
export type ServiceOrderDto = z.output<typeof serviceOrderDto>;

export const serviceOrderListDto = z.object({ items: z.array(serviceOrderDto) });
export type ServiceOrderListDto = z.output<typeof serviceOrderListDto>;

/** 4xx body: {errCd, errMsg}; 409 DUP_TXN adds what the provider holds under the clientTxnRef. */
export const provisioningErrorDto = z.object({
  errCd: z.string(),
  errMsg: z.string().optional(),
  existingOrderRef: z.string().optional(),
  existingItemRef: z.string().optional(),
});
export type ProvisioningErrorDto = z.output<typeof provisioningErrorDto>;

export const PROVISIONING_ERRORS = { duplicateTxn: 'DUP_TXN', noSuchTxn: 'NO_SUCH_TXN' } as const;
