// Seed 000 §24 on the real ledger: every call through ExternalCalls leaves one structured log line
// (through the job's logger when made on a job's behalf) and feeds the external_call_* series.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { z } from 'zod';
import type { ExternalResult } from '../../src/core/ports/external-result.ts';
import { ExternalCalls } from '../../src/integration/external-call.ts';
import { AttemptLedger } from '../../src/integration/ledger/attempt-ledger.ts';
import { openTroubleCase } from '../../src/core/use-cases/external-step.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { withLogContext } from '../../src/platform/log-context.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics, metrics as processMetrics } from '../../src/platform/metrics.ts';
import { parseMetricsText, seriesTotal } from '../../src/platform/metrics-text.ts';
import { billingCall, type BillingValue } from '../support/billing-call.ts';

let db: DatabasePool;
beforeAll(async () => {
  db = await createDatabasePool(undefined, 'observability-test');
});
afterAll(async () => {
  await db.end();
});

type Value = BillingValue;

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  // debug: routine outcomes are logged at debug (troubled ones at warn)
  return { log: createLogger('observability-test', 'debug', stream), lines };
}

const spec = (key: string, send: () => Promise<ExternalResult<Value>>) => billingCall(key, send, { tenantId: 'tenant-obs', correlationId: 'corr-obs', request: { amount: '10.00', token: 'tok_never_logged' } });

const billing = { system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION' };

test('a failed try, its retry and a replay: one log line each, counted by status, retry and latency', async () => {
  const m = createMetrics();
  const { log, lines } = capture();
  const calls = new ExternalCalls(new AttemptLedger(db), { log: createLogger('unused', 'silent'), metrics: m, troubles: openTroubleCase });
  const job = log.child({ jobKey: '42', processInstanceKey: '7', elementId: 'ServiceTask_ActivateBilling', orderId: 'ord-obs', tenantId: 'tenant-obs' });
  const key = `billing-activation:tenant-obs:${randomUUID()}`;

  await withLogContext(job, async () => {
    await calls.run(spec(key, async () => ({ kind: 'failed', category: 'SERVER_ERROR', retryable: true, sent: true, message: 'HTTP 503', exchange: { httpStatus: 503 } })));
    await calls.run(spec(key, async () => ({ kind: 'succeeded', value: { ref: 'BILL-1' }, externalRequestId: 'bill_req_1', exchange: { httpStatus: 201 } })));
    await calls.run(spec(key, async () => Promise.reject(new Error('a replay never sends'))));
  });

  const samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'external_call_total', { ...billing, status: 'FAILED', replayed: 'false' })).toBe(1);
  expect(seriesTotal(samples, 'external_call_total', { ...billing, status: 'SUCCEEDED', replayed: 'false' })).toBe(1);
  expect(seriesTotal(samples, 'external_call_total', { ...billing, status: 'SUCCEEDED', replayed: 'true' })).toBe(1);
  expect(seriesTotal(samples, 'external_call_retry_total', { ...billing, failure_category: 'SERVER_ERROR' })).toBe(1);
  // only the two calls that went out were timed
  expect(seriesTotal(samples, 'external_call_latency_ms', billing)).toBe(2);

  const calls_ = lines.filter((l) => l.msg === 'external_call_completed');
  expect(calls_).toHaveLength(3);
  expect(calls_.map((l) => [l.status, l.replayed, l.level])).toEqual([
    ['FAILED', false, 'warn'],
    ['SUCCEEDED', false, 'debug'],
    ['SUCCEEDED', true, 'debug'],
  ]);
  const done = calls_[1] as Record<string, unknown>;
  expect(done).toMatchObject({
    jobKey: '42',
    processInstanceKey: '7',
    elementId: 'ServiceTask_ActivateBilling',
    orderId: 'ord-obs',
    tenantId: 'tenant-obs',
    systemCode: 'BILLING',
    operationCode: 'ACTIVATE_SUBSCRIPTION',
    businessObjectType: 'SUBSCRIPTION',
    businessObjectId: key,
    idempotencyKey: key,
    externalRequestId: 'bill_req_1',
    correlationId: 'corr-obs',
    evidenceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    attemptNo: 2,
    latencyMs: expect.any(Number),
  });
  expect(calls_[0]).toMatchObject({ failureCategory: 'SERVER_ERROR', reason: 'HTTP 503' });
  expect(JSON.stringify(lines)).not.toContain('tok_never_logged');
});

test('an ambiguous outcome is counted once, however often the job comes back, and its case is counted as opened', async () => {
  const m = createMetrics();
  const calls = new ExternalCalls(new AttemptLedger(db), { metrics: m, troubles: openTroubleCase });
  const opened = async () => seriesTotal(parseMetricsText(await processMetrics.registry.metrics()), 'reconciliation_case_total', { system: 'BILLING', mismatch_type: 'AMBIGUOUS_OUTCOME', status: 'OPEN' }) ?? 0;
  const before = await opened();
  const key = `billing-activation:tenant-obs:${randomUUID()}`;

  const first = await calls.run(spec(key, async () => ({ kind: 'ambiguous', message: 'sent, then no answer', exchange: {} })));
  const again = await calls.run(spec(key, async () => Promise.reject(new Error('never sent again'))));

  expect([first.kind, again.kind]).toEqual(['ambiguous', 'ambiguous']);
  const samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'external_call_ambiguous_total', billing)).toBe(1);
  expect(seriesTotal(samples, 'external_call_total', { ...billing, status: 'AMBIGUOUS' })).toBe(2);
  // the case repository counts in the process's series; one case for the attempt
  expect((await opened()) - before).toBe(1);
});
