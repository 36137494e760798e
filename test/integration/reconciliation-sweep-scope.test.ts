// The reconciliation sweep against the real PostgreSQL: a case records the process of the job that
// opened it, and each deployment's sweep (production, or a suffixed copy of a test or bench) starts
// handling only its own waiting cases, never another copy's. The waiting cases of the sweep checks
// live in a transaction that is rolled back, so no sweep running on the shared stack ever sees them.
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { FarmServices } from '../../src/core/services.ts';
import type { Clock } from '../../src/core/ports/clock.ts';
import type { MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import { ExternalCalls } from '../../src/integration/external-call.ts';
import { AttemptLedger } from '../../src/integration/ledger/attempt-ledger.ts';
import { openTroubleCase } from '../../src/core/use-cases/external-step.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import sweep from '../../workers/reconciliation-sweep-open-cases.ts';
import { billingCall } from '../support/billing-call.ts';

let db: DatabasePool;
beforeAll(async () => {
  db = await createDatabasePool(undefined, 'sweep-scope-test');
});
afterAll(async () => {
  await db.end();
});

const copyA = `t${randomUUID().slice(0, 8)}`;
const copyB = `t${randomUUID().slice(0, 8)}`;

test('an ambiguous outcome opens a case that names the process of the job that met it', async () => {
  const key = `k-${randomUUID()}`;
  const calls = new ExternalCalls(new AttemptLedger(db), { troubles: openTroubleCase });
  const outcome = await calls.run(
    billingCall(key, async () => ({ kind: 'ambiguous', message: 'sent, then no answer', exchange: {} }), {
      request: { amount: '10.00' },
      context: { orderId: `ord-${key}`, jobKey: '1', processInstanceKey: '2', bpmnProcessId: `order-fulfillment-${copyA}` },
    }),
  );
  if (outcome.kind !== 'ambiguous') throw new Error(`expected an ambiguous outcome, got ${outcome.kind}`);
  try {
    expect(await db.oneFirst(sql.type(z.object({ bpmn_process_id: z.string().nullable() }))`
      select bpmn_process_id from reconciliation_case where reconciliation_case_id = ${outcome.reconciliationCaseId}`)).toBe(`order-fulfillment-${copyA}`);
  } finally {
    // no sweep runs copy A; closed all the same, so the case is nobody's open work
    await db.query(sql.unsafe`update reconciliation_case set status = 'CLOSED', resolved_at = now() where reconciliation_case_id = ${outcome.reconciliationCaseId}`);
  }
});

interface WaitingCases {
  readonly ofCopyA: string;
  readonly ofCopyB: string;
  readonly ofProduction: string;
  /** opened before cases named their process */
  readonly unnamed: string;
}

class RollBack extends Error {}

/** Runs `fn` beside four cases waiting for a sweep (one per deployment, and one naming none), then rolls them back. */
async function withWaitingCases<T>(fn: (tx: CommonQueryMethods, cases: WaitingCases) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  await db
    .transaction(async (tx) => {
      const open = async (bpmnProcessId: string | null): Promise<string> => {
        const id = randomUUID();
        // detected long ago: first in the sweep's order, ahead of whatever else waits in a shared database
        await tx.query(sql.unsafe`
          insert into reconciliation_case (reconciliation_case_id, tenant_id, system_code, business_object_type, business_object_id,
            mismatch_type, expected_state, observed_state, severity, status, order_id, bpmn_process_id, detected_at)
          values (${id}, 'tenant-test', 'BILLING', 'SUBSCRIPTION', ${`sub-${id}`}, 'AMBIGUOUS_OUTCOME', '{}'::jsonb, '{}'::jsonb,
            'HIGH', 'OPEN', ${`ord-${id}`}, ${bpmnProcessId}, now() - interval '100 years')`);
        return id;
      };
      const cases = {
        ofCopyA: await open(`order-fulfillment-${copyA}`),
        ofCopyB: await open(`order-fulfillment-${copyB}`),
        ofProduction: await open('order-fulfillment'),
        unnamed: await open(null),
      };
      result = { value: await fn(tx, cases) };
      throw new RollBack();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RollBack)) throw err;
    });
  if (!result) throw new Error('unreachable');
  return result.value;
}

/** Runs the sweep worker's handler as a job of `sweepProcessId`; returns what it told the engine and the cases it started. */
async function runSweep(tx: CommonQueryMethods, sweepProcessId: string, clock?: Clock) {
  const started: string[] = [];
  const messages: MessagePublisher = { publish: async (m) => void started.push(String(m.messageId)) };
  // the handler uses the database, the message publisher, one setting and the clock of the farm's services
  const services = { db: tx, messages, config: { RECONCILIATION_RECHECK_DELAY: 'PT1M' }, clock } as unknown as FarmServices;
  const action = await sweep.handle({
    variables: {},
    headers: undefined,
    job: { key: '1', type: sweep.type, retries: 3, processInstanceKey: '2', bpmnProcessId: sweepProcessId, elementId: 'ServiceTask_SweepOpenCases', elementInstanceKey: '3', tenantId: '<default>', deadline: Date.now() + 60_000 },
    log: createLogger('sweep-scope-test', 'silent'),
    services,
  });
  return { action, started };
}

test("the sweep of a suffixed copy starts only the cases its own fulfillment copy opened", async () => {
  for (const [copy, own] of [[copyA, 'ofCopyA'], [copyB, 'ofCopyB']] as const) {
    await withWaitingCases(async (tx, cases) => {
      const { action, started } = await runSweep(tx, `reconciliation-sweep-${copy}`);
      expect(started).toEqual([cases[own]]);
      expect(action).toEqual({ kind: 'complete', variables: { casesStarted: 1 } });
    });
  }
});

test('the production sweep starts its own cases and those naming no process, never a copy\'s', async () => {
  await withWaitingCases(async (tx, cases) => {
    const { started } = await runSweep(tx, 'reconciliation-sweep');
    expect(started).toEqual(expect.arrayContaining([cases.ofProduction, cases.unnamed]));
    expect(started).not.toContain(cases.ofCopyA);
    expect(started).not.toContain(cases.ofCopyB);
  });
});

test('a sweep job of an unknown process starts nothing and raises an incident naming it', async () => {
  await withWaitingCases(async (tx) => {
    const { action, started } = await runSweep(tx, 'some-other-sweep');
    expect(started).toEqual([]);
    expect(action).toMatchObject({ kind: 'fail', retries: 0 });
    expect(action.kind === 'fail' && action.message).toContain('some-other-sweep');
  });
});

test('a case whose start was requested is requested again only two minutes later by the farm clock', async () => {
  await withWaitingCases(async (tx, cases) => {
    let now = Date.parse('2026-07-02T10:00:00.000Z');
    const clock: Clock = { now: () => new Date(now) };
    const sweepOfA = `reconciliation-sweep-${copyA}`;
    expect((await runSweep(tx, sweepOfA, clock)).started).toEqual([cases.ofCopyA]);
    now += 60_000;
    expect((await runSweep(tx, sweepOfA, clock)).started).toEqual([]);
    now += 61_000;
    expect((await runSweep(tx, sweepOfA, clock)).started).toEqual([cases.ofCopyA]);
  });
});
