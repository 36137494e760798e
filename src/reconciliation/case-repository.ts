// Reconciliation cases (seed 000 §23.1): opened when an outcome is ambiguous or the external
// system holds a conflicting request; the reconciler (or an operator) decides them.
import { randomUUID } from 'node:crypto';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';

export const MISMATCH_TYPES = ['AMBIGUOUS_OUTCOME', 'DUPLICATE_CONFLICT', 'STATE_MISMATCH', 'MISSING_CALLBACK'] as const;
export type MismatchType = (typeof MISMATCH_TYPES)[number];
export const CASE_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type CaseSeverity = (typeof CASE_SEVERITIES)[number];
export const CASE_STATUSES = ['OPEN', 'RESOLVED', 'MANUAL_REVIEW', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface NewCase {
  readonly tenantId: string;
  readonly system: string;
  readonly businessObjectType: string;
  readonly businessObjectId: string;
  readonly mismatchType: MismatchType;
  readonly expectedState: unknown;
  readonly observedState: unknown;
  readonly severity: CaseSeverity;
  readonly externalCallId: string;
  readonly orderId?: string | undefined;
  readonly jobKey?: string | undefined;
  readonly processInstanceKey?: string | undefined;
}

/** Opens a case for the attempt, or returns the one already open for it (one open case per attempt). */
export async function openCase(tx: DatabaseTransactionConnection, c: NewCase): Promise<string> {
  const existing = await tx.maybeOneFirst(sql.type(z.object({ reconciliation_case_id: z.string() }))`
    select reconciliation_case_id from reconciliation_case
    where external_call_id = ${c.externalCallId} and status in ('OPEN', 'MANUAL_REVIEW')`);
  if (existing) return existing;
  const id = randomUUID();
  await tx.query(sql.unsafe`
    insert into reconciliation_case (reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id,
      mismatch_type, expected_state, observed_state, severity, status, external_call_id, order_id, job_key, process_instance_key, detected_at)
    values (${id}, ${c.tenantId}, ${c.system}, ${c.businessObjectType}, ${c.businessObjectId}, ${c.mismatchType},
      ${sql.jsonb(c.expectedState as never)}, ${sql.jsonb(c.observedState as never)}, ${c.severity}, 'OPEN', ${c.externalCallId},
      ${c.orderId ?? null}, ${c.jobKey ?? null}, ${c.processInstanceKey ?? null}, now())`);
  return id;
}
