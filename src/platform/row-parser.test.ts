// The row parser on the real PostgreSQL: a declared row schema is enforced (and its transforms
// applied), a row that breaks it is a RowShapeError naming the tables and never the row's values,
// and statements declaring no schema (sql.unsafe) pass untouched.
import { sql } from 'slonik';
import { z } from 'zod';
import { defineWorker } from '../worker-runtime/define-worker.ts';
import { executeJob, type JobHandle } from '../worker-runtime/execute-job.ts';
import { loadConfig } from './config.ts';
import { createDatabasePool, type DatabasePool } from './db.ts';
import { createLogger } from './logger.ts';
import { RowShapeError, statementTables } from './row-parser.ts';

let db: DatabasePool;
beforeAll(async () => {
  db = await createDatabasePool(loadConfig(), 'row-parser-test');
});
afterAll(async () => {
  await db.end();
});

test('a row matching its schema comes back as the schema makes it', async () => {
  const row = await db.one(sql.type(z.object({ seq: z.bigint().transform(String), at: z.number(), doc: z.unknown() }))`
    select 9007199254740993::int8 as seq, now() as at, '{"a": 1}'::jsonb as doc`);
  expect(row).toEqual({ seq: '9007199254740993', at: expect.any(Number), doc: { a: 1 } });
});

test('a row breaking its schema is a RowShapeError naming the table and the column, not the value', async () => {
  const canary = 'canary-Zq8-value';
  const failure = await db
    .one(sql.type(z.object({ request_hash: z.number(), status: z.enum(['A', 'B']) }))`
      select ${canary}::text as request_hash, ${canary}::text as status from (select 1) one left join idempotency_record on false limit 1`)
    .catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(RowShapeError);
  const error = failure as RowShapeError;
  expect(error.statement).toBe('idempotency_record');
  expect(error.issues).toEqual([expect.stringMatching(/^request_hash: /), expect.stringMatching(/^status: /)]);
  expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(canary);
});

test('statements without a schema pass untouched, and the pool stays usable after a refused row', async () => {
  await db.one(sql.type(z.object({ n: z.string() }))`select 1 as n`).catch(() => undefined);
  expect(await db.one(sql.unsafe`select 1::int8 as n, 'x' as t`)).toEqual({ n: 1n, t: 'x' });
  expect(await db.maybeOne(sql.type(z.object({ n: z.number() }))`select 1 as n where false`)).toBeNull();
});

test("a job whose handler reads a row breaking its schema fails as a worker error (its retry spent, an incident at the last), the table named, the value not", async () => {
  const canary = 'canary-Yw3-value';
  const worker = defineWorker({
    type: 'test.row-shape.v1',
    description: 'reads a row its schema does not describe',
    variables: z.object({}),
    output: z.object({}),
    bpmnErrors: [],
    handle: async () => {
      await db.one(sql.type(z.object({ attempt_no: z.number() }))`select ${canary}::text as attempt_no from (select 1) one left join external_call_attempt on false limit 1`);
      return { kind: 'complete', variables: {} };
    },
  });
  const told: string[] = [];
  const job: JobHandle = {
    key: '2251799813685249',
    type: 'test.row-shape.v1',
    retries: 1,
    processInstanceKey: '2251799813685100',
    bpmnProcessId: 'order-fulfillment',
    elementId: 'ServiceTask_Test',
    elementInstanceKey: '2251799813685200',
    tenantId: '<default>',
    deadline: String(Date.now() + 60_000),
    variables: {},
    customHeaders: {},
    complete: async () => told.push('complete'),
    fail: async (conf) => told.push(`fail retries=${conf.retries}: ${conf.errorMessage}`),
    error: async (conf) => told.push(`error ${conf.errorCode}`),
  };
  await executeJob(worker, job, {}, createLogger('row-parser-test', 'silent'));
  expect(told).toEqual([expect.stringMatching(/^fail retries=0: \[WORKER_ERROR\] .*RowShapeError: a row of the statement on external_call_attempt does not match its schema: attempt_no: /)]);
  expect(told[0]).not.toContain(canary);
});

test('statementTables names the tables a statement reads and writes', () => {
  expect(statementTables('with a as (insert into customer_order (x) select 1 from claimed returning 1) update fulfillment_task set x = 1 from a join order_orchestration_link l on true')).toBe(
    'customer_order, claimed, fulfillment_task, a, order_orchestration_link',
  );
});
