// A billing activation as the application services hand it to ExternalCalls, for tests of the
// ledger and what sits on it: the key and the send vary, the rest is overridden where it matters.
import { z } from 'zod';
import type { ExternalCallSpec } from '../../src/integration/external-call.ts';
import type { ExternalResult } from '../../src/core/ports/external-result.ts';

export const billingValue = z.object({ ref: z.string() });
export type BillingValue = z.infer<typeof billingValue>;

export function billingCall(key: string, send: () => Promise<ExternalResult<BillingValue>>, overrides: Partial<ExternalCallSpec<BillingValue>> = {}): ExternalCallSpec<BillingValue> {
  return {
    tenantId: 'tenant-test',
    system: 'BILLING',
    operation: 'ACTIVATE_SUBSCRIPTION',
    businessObject: { type: 'SUBSCRIPTION', id: key },
    idempotencyKey: key,
    correlationId: 'corr-1',
    causationId: 'job:1',
    request: { amount: '10.00', password: 'hunter2' },
    resultSchema: billingValue,
    send,
    leaseMs: 30_000,
    ...overrides,
  };
}
