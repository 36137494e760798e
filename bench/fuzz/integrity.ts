// Nothing half-written: after the fuzz, the rows the run's inputs could have touched must be whole —
// every order with its orchestration link and idempotency record (they commit together), every
// idempotency record of an order pointing at an order, no inbox row for a callback that was refused,
// no external call made for a job whose variables were bad.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface IntegrityFinding {
  readonly check: string;
  readonly count: number;
  readonly examples: readonly string[];
}

const idRow = z.object({ id: z.string() });

export async function checkIntegrity(db: DatabasePool, o: { readonly since: Date; readonly runTag: string; readonly refusedCallbackRefs: readonly string[] }): Promise<IntegrityFinding[]> {
  const since = o.since.toISOString();
  const like = `${o.runTag}%`;
  const checks: [string, Promise<readonly { id: string }[]>][] = [
    ['orders without their orchestration link', db.any(sql.type(idRow)`
      select o.order_id as id from customer_order o left join order_orchestration_link l using (order_id)
      where o.created_at >= ${since}::timestamptz and o.tenant_id = 'tenant-fuzz' and l.order_id is null`)],
    ['orders without their idempotency record', db.any(sql.type(idRow)`
      select o.order_id as id from customer_order o
      where o.created_at >= ${since}::timestamptz and o.tenant_id = 'tenant-fuzz'
        and not exists (select 1 from idempotency_record r where r.resource_id = o.order_id)`)],
    ['idempotency records naming no order', db.any(sql.type(idRow)`
      select r.idempotency_key as id from idempotency_record r
      where r.created_at >= ${since}::timestamptz and r.scope = 'order-intake:tenant-fuzz'
        and not exists (select 1 from customer_order o where o.order_id = r.resource_id)`)],
    ['inbox rows of refused callbacks', db.any(sql.type(idRow)`
      select event_id as id from inbox_event where subject_id = any(${sql.array([...o.refusedCallbackRefs], 'text')})`)],
    ['external calls for jobs with bad variables', db.any(sql.type(idRow)`
      select external_call_id::text as id from external_call_attempt
      where created_at >= ${since}::timestamptz and (business_object_id like ${like} or correlation_id like ${like})`)],
  ];
  const findings: IntegrityFinding[] = [];
  for (const [check, rows] of checks) {
    const found = await rows;
    findings.push({ check, count: found.length, examples: found.slice(0, 5).map((r) => r.id) });
  }
  return findings;
}
