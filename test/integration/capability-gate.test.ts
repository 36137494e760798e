// The capability gate against the real ledger: a disabled capability stops a step that never
// called, and lets through one whose call was already made (its follow-up must replay, not refuse).
import { randomUUID } from 'node:crypto';
import type { FarmServices } from '../../src/core/services.ts';
import { gateCapability } from '../../src/core/use-cases/capability-gate.ts';
import { BPMN_ERRORS } from '../../src/core/domain/bpmn-errors.ts';
import { ExternalCalls } from '../../src/integration/external-call.ts';
import { AttemptLedger } from '../../src/integration/ledger/attempt-ledger.ts';
import { openTroubleCase } from '../../src/core/use-cases/external-step.ts';
import type { CapabilityDecision } from '../../src/integration/registry/adapter-registry.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { billingCall } from '../support/billing-call.ts';

let db: DatabasePool;
let asked = 0;
let services: FarmServices;
beforeAll(async () => {
  db = await createDatabasePool(undefined, 'capability-gate-test');
  const disabled: CapabilityDecision = { tenantId: 'tenant-test', system: 'BILLING', capability: 'BILLING_ACTIVATE_SUBSCRIPTION', enabled: false, reason: 'CAPABILITY_DISABLED', detail: 'switched off for the test' };
  services = {
    db,
    log: createLogger('capability-gate-test', 'silent'),
    registry: { capability: async () => ((asked += 1), disabled) },
  } as unknown as FarmServices;
});
afterAll(async () => {
  await db.end();
});

const gated = (key: string) => ({ tenantId: 'tenant-test', orderId: `ord-${key}`, system: 'BILLING' as const, operation: 'ACTIVATE_SUBSCRIPTION', idempotencyKey: key, capability: 'BILLING_ACTIVATE_SUBSCRIPTION' as const });

test('a step that never called takes the disabled path (billing: the BPMN error for a person)', async () => {
  const key = `k-${randomUUID()}`;
  const result = await gateCapability(services, gated(key), randomUUID());
  expect(result?.action).toMatchObject({ kind: 'bpmn-error', errorCode: BPMN_ERRORS.billingRejected, message: expect.stringContaining('switched off for the test') });
});

test('a step whose call was made before the capability was switched off goes on (the ledger replays it)', async () => {
  const key = `k-${randomUUID()}`;
  await new ExternalCalls(new AttemptLedger(db), { troubles: openTroubleCase }).run(billingCall(key, async () => ({ kind: 'succeeded', value: { ref: 'B-1' }, exchange: { httpStatus: 201 } })));
  const before = asked;
  expect(await gateCapability(services, gated(key), randomUUID())).toBeUndefined();
  expect(asked).toBe(before + 1);
});
