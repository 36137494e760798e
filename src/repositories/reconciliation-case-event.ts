// reconciliation_case_event: the history of a reconciliation case, one row per observation or
// decision, naming who or what acted. Every SQL text naming the table is here.
import { storableJsonb } from '../platform/storable-text.ts';
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { CASE_EVENT_ACTIONS, type CaseEventAction } from '../core/domain/case-vocabulary.ts';

export interface CaseEvent {
  readonly action: CaseEventAction;
  readonly actor: string;
  readonly observedState?: unknown;
  readonly note?: string | undefined;
}

export async function insertCaseEvent(db: CommonQueryMethods, caseId: string, e: CaseEvent): Promise<void> {
  await db.query(sql.unsafe`
    insert into reconciliation_case_event (event_id, reconciliation_case_id, action, actor, observed_state, note)
    values (${randomUUID()}, ${caseId}, ${e.action}, ${e.actor}, ${e.observedState === undefined ? null : storableJsonb(e.observedState as never)}, ${e.note ?? null})`);
}

export const caseEventRow = z.object({ action: z.enum(CASE_EVENT_ACTIONS), actor: z.string(), observed_state: z.unknown(), note: z.string().nullable(), recorded_at: z.number() });
export type CaseEventRow = z.infer<typeof caseEventRow>;

export async function caseHistory(db: CommonQueryMethods, caseId: string): Promise<readonly CaseEventRow[]> {
  return db.any(sql.type(caseEventRow)`
    select action, actor, observed_state, note, recorded_at from reconciliation_case_event
    where reconciliation_case_id = ${caseId} order by recorded_at, event_id`);
}

/** Whether the case whose id is in column `caseIdColumn` (e.g. ['c', 'reconciliation_case_id']) had its job resumed: a boolean expression. */
export const caseResumed = (caseIdColumn: readonly string[]): FragmentSqlToken => sql.fragment`
  exists (select 1 from reconciliation_case_event e where e.reconciliation_case_id = ${sql.identifier([...caseIdColumn])} and e.action = 'RESUMED')`;
