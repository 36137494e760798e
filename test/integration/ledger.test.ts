// The attempt ledger against the real PostgreSQL: one side effect per idempotency key, replay of
// the same request, refusal of a different one, ambiguity opening a reconciliation case.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import type { ExternalResult } from '../../src/core/ports/external-result.ts';
import { ExternalCalls } from '../../src/integration/external-call.ts';
import { AttemptLedger } from '../../src/integration/ledger/attempt-ledger.ts';
import { openTroubleCase } from '../../src/core/use-cases/external-step.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { billingCall, type BillingValue } from '../support/billing-call.ts';

let db: DatabasePool;
let calls: ExternalCalls;
beforeAll(async () => {
  db = await createDatabasePool(undefined, 'ledger-test');
  calls = new ExternalCalls(new AttemptLedger(db), { troubles: openTroubleCase });
});
afterAll(async () => {
  await db.end();
});

type Value = BillingValue;

const ok = (ref: string): ExternalResult<Value> => ({ kind: 'succeeded', value: { ref }, externalReferenceId: ref, exchange: { request: { path: '/x' }, response: { ref }, httpStatus: 201, latencyMs: 3 } });

test('the same request under the same key is sent once and replayed afterwards', async () => {
  const key = `k-${randomUUID()}`;
  let sends = 0;
  const send = async () => {
    sends++;
    return ok('EXT-1');
  };
  const first = await calls.run(billingCall(key, send));
  const second = await calls.run(billingCall(key, send));
  expect(first).toMatchObject({ kind: 'succeeded', value: { ref: 'EXT-1' }, replayed: false });
  expect(second).toMatchObject({ kind: 'succeeded', value: { ref: 'EXT-1' }, replayed: true, externalCallId: first.kind === 'succeeded' ? first.externalCallId : '' });
  expect(sends).toBe(1);
});

test('concurrent calls with the same key: one is sent, the other is told it is in progress', async () => {
  const key = `k-${randomUUID()}`;
  let sends = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = async () => {
    sends++;
    await gate;
    return ok('EXT-2');
  };
  const a = calls.run(billingCall(key, slow));
  await new Promise((r) => setTimeout(r, 100));
  const b = await calls.run(billingCall(key, slow));
  release();
  expect(b.kind).toBe('in-progress');
  expect((await a).kind).toBe('succeeded');
  expect(sends).toBe(1);
});

test('a different request under a used key is refused without being sent', async () => {
  const key = `k-${randomUUID()}`;
  await calls.run(billingCall(key, async () => ok('EXT-3'), { request: { amount: '10.00' } }));
  let sent = false;
  const other = await calls.run(billingCall(key, async () => ((sent = true), ok('EXT-4')), { request: { amount: '99.00' } }));
  expect(other).toMatchObject({ kind: 'conflict', source: 'ledger' });
  expect(sent).toBe(false);
  const evidence = await db.oneFirst(sql.type(z.object({ kind: z.string() }))`select kind from external_call_evidence where evidence_id = ${other.kind === 'conflict' ? other.evidenceId : ''}`);
  expect(evidence).toBe('REFUSED');
});

test('a retryable failure is tried again under the same attempt with the next attempt number', async () => {
  const key = `k-${randomUUID()}`;
  const failed = await calls.run(billingCall(key, async () => ({ kind: 'failed', category: 'SERVER_ERROR', retryable: true, sent: true, message: 'HTTP 503', exchange: { httpStatus: 503 } })));
  const retried = await calls.run(billingCall(key, async () => ok('EXT-5')));
  expect(failed).toMatchObject({ kind: 'failed', category: 'SERVER_ERROR', attemptNo: 1 });
  expect(retried).toMatchObject({ kind: 'succeeded', attemptNo: 2, externalCallId: failed.kind === 'failed' ? failed.externalCallId : '' });
  const rows = await db.any(sql.type(z.object({ attempt_no: z.number(), outcome: z.string() }))`
    select attempt_no, outcome from external_call_evidence where external_call_id = ${retried.kind === 'succeeded' ? retried.externalCallId : ''} order by attempt_no`);
  expect(rows).toEqual([{ attempt_no: 1, outcome: 'FAILED' }, { attempt_no: 2, outcome: 'SUCCEEDED' }]);
});

test("a rejection is replayed to the job that heard it; another job of the step (a person's RETRY) tries again under the same key", async () => {
  const key = `k-${randomUUID()}`;
  let sends = 0;
  const reject = async (): Promise<ExternalResult<Value>> => (sends++, { kind: 'rejected', category: 'BUSINESS_REJECTED', reasonCode: 'BIL-ERR-7781', reasonMessage: 'not eligible', exchange: { httpStatus: 422 } });
  const first = await calls.run(billingCall(key, reject, { causationId: 'job:100' }));
  // the same job again (a redelivery after a lost answer): the stored rejection
  const again = await calls.run(billingCall(key, reject, { causationId: 'job:100' }));
  // an operator command (not a job) is not a new task instance either
  const command = await calls.run(billingCall(key, reject, { causationId: 'command:7' }));
  expect(first).toMatchObject({ kind: 'rejected', attemptNo: 1, replayed: false });
  expect(again).toMatchObject({ kind: 'rejected', attemptNo: 1, replayed: true });
  expect(command).toMatchObject({ kind: 'rejected', attemptNo: 1, replayed: true });
  expect(sends).toBe(1);
  // the process came back to the task: a new job, the cause fixed at billing
  const retried = await calls.run(billingCall(key, async () => (sends++, ok('EXT-R')), { causationId: 'job:200' }));
  expect(retried).toMatchObject({ kind: 'succeeded', attemptNo: 2, replayed: false, externalCallId: first.externalCallId });
  expect(sends).toBe(2);
  // and from then on the success is what every job hears
  expect(await calls.run(billingCall(key, reject, { causationId: 'job:300' }))).toMatchObject({ kind: 'succeeded', value: { ref: 'EXT-R' }, replayed: true });
  expect(sends).toBe(2);
  const rows = await db.any(sql.type(z.object({ attempt_no: z.number(), outcome: z.string() }))`
    select attempt_no, outcome from external_call_evidence where external_call_id = ${first.externalCallId} and kind = 'CALL' order by attempt_no`);
  expect(rows).toEqual([{ attempt_no: 1, outcome: 'REJECTED' }, { attempt_no: 2, outcome: 'SUCCEEDED' }]);
});

test('an ambiguous outcome opens one reconciliation case and is never re-sent', async () => {
  const key = `k-${randomUUID()}`;
  let sends = 0;
  const first = await calls.run(billingCall(key, async () => ((sends++), { kind: 'ambiguous', message: 'sent, then no answer', exchange: {} })));
  const again = await calls.run(billingCall(key, async () => ((sends++), ok('EXT-6'))));
  expect(first.kind).toBe('ambiguous');
  expect(again.kind).toBe('ambiguous');
  expect(sends).toBe(1);
  if (first.kind !== 'ambiguous' || again.kind !== 'ambiguous') throw new Error('unreachable');
  expect(again.reconciliationCaseId).toBe(first.reconciliationCaseId);
  const kase = await db.one(sql.type(z.object({ status: z.string(), mismatch_type: z.string(), severity: z.string() }))`
    select status, mismatch_type, severity from reconciliation_case where reconciliation_case_id = ${first.reconciliationCaseId}`);
  expect(kase).toEqual({ status: 'OPEN', mismatch_type: 'AMBIGUOUS_OUTCOME', severity: 'HIGH' });
});

test('an attempt abandoned mid-call (lease expired) becomes ambiguous instead of being re-sent', async () => {
  const key = `k-${randomUUID()}`;
  // a worker claims the call and dies: simulate by claiming with a lease that is already over
  const ledger = new AttemptLedger(db);
  const claim = await ledger.claim({ tenantId: 'tenant-test', system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION', businessObjectType: 'SUBSCRIPTION', businessObjectId: key, idempotencyKey: key, correlationId: 'c', causationId: 'job:dead', requestHash: (await import('../../src/integration/request-hash.ts')).requestHash({ amount: '10.00', password: 'hunter2' }), requestSnapshot: {}, leaseMs: 0 });
  expect(claim.decision).toBe('send');
  let sent = false;
  const outcome = await calls.run(billingCall(key, async () => ((sent = true), ok('EXT-7'))));
  expect(outcome.kind).toBe('ambiguous');
  expect(sent).toBe(false);
});

test('snapshots in the ledger and the evidence carry no secrets', async () => {
  const key = `k-${randomUUID()}`;
  const out = await calls.run(billingCall(key, async () => ({ ...ok('EXT-8'), exchange: { request: { headers: { authorization: '<redacted>' } }, response: { ok: true } } })));
  const stored = await db.one(sql.type(z.object({ request_snapshot: z.unknown() }))`select request_snapshot from external_call_attempt where idempotency_key = ${key}`);
  expect(JSON.stringify(stored.request_snapshot)).not.toContain('hunter2');
  expect(JSON.stringify(stored.request_snapshot)).toContain('<redacted>');
  expect(out.kind).toBe('succeeded');
});

test('an answer that could not be read is an incident once; running the job again opens a case instead of sending again', async () => {
  const key = `k-${randomUUID()}`;
  let sends = 0;
  const send = async (): Promise<ExternalResult<Value>> => {
    sends++;
    return { kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, sent: true, message: 'unexpected response shape: ref: required', exchange: { request: { path: '/x' }, response: { result: 'OK' }, httpStatus: 202, latencyMs: 2 } };
  };
  const first = await calls.run(billingCall(key, send));
  expect(first).toMatchObject({ kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false });
  // the engine never heard the incident (or an operator retried it): the job runs again
  const second = await calls.run(billingCall(key, send));
  expect(second).toMatchObject({ kind: 'ambiguous', message: expect.stringMatching(/answer could not be read.*not sent again/) });
  expect(sends).toBe(1);
  const caseId = second.kind === 'ambiguous' ? second.reconciliationCaseId : '';
  expect(await db.oneFirst(sql.type(z.object({ status: z.string() }))`select status from reconciliation_case where reconciliation_case_id = ${caseId}`)).toBe('OPEN');
  expect(await db.oneFirst(sql.type(z.object({ status: z.string() }))`select status from external_call_attempt where idempotency_key = ${key}`)).toBe('AMBIGUOUS');
  // and once more: the same case, still no send
  const third = await calls.run(billingCall(key, send));
  expect(third).toMatchObject({ kind: 'ambiguous', reconciliationCaseId: caseId });
  expect(sends).toBe(1);
});
