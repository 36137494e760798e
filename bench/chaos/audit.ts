// After the chaos: what became of every order, and whether anything happened twice or not at all.
// The simulators' own record of side effects is the outside truth; the ledger, the outbox, the
// inbox and the lifecycle topic are compared against it and against each other.
import { sql } from 'slonik';
import { z } from 'zod';
import { observe, type Observed } from '../../tools/demo/outcomes.ts';
import type { FulfillmentHarness } from '../../test/support/fulfillment-harness.ts';
import { inParallel } from '../support/load.ts';
import type { TopicRecord } from './lifecycle-topic.ts';
import type { Accepted } from './submitter.ts';

const FINISHED = new Set(['COMPLETED', 'REJECTED', 'CANCELLED']);
/** Ledger operations that leave a side effect at the external system when they succeed. */
const EFFECT_OPERATIONS = ['RESERVE_RESOURCE', 'ACTIVATE_SERVICE', 'ACTIVATE_SUBSCRIPTION', 'SEND_ORDER_CONFIRMATION'];

export interface SideEffect {
  readonly system: string;
  readonly operation: string;
  readonly idempotencyKey?: string;
  readonly ref: string;
}

export interface OrderEnd {
  readonly orderId: string;
  readonly plan: string;
  readonly expect: string;
  readonly outcome: string;
}

export interface ChaosAudit {
  readonly orders: {
    readonly submitted: number;
    readonly accepted: number;
    /** never accepted by the intake, even with retries under the same key */
    readonly refused: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly finished: number;
    readonly fallout: number;
    readonly waitingForPerson: { readonly incident: number; readonly userTask: number };
    readonly reconciling: number;
    /** not finished, and nothing shows why: no incident, no user task, no case in progress */
    readonly stuck: number;
    readonly lost: number;
    readonly asPlanned: number;
    readonly notAsPlanned: readonly OrderEnd[];
  };
  readonly sideEffects: Readonly<Record<string, { readonly effects: number; readonly duplicates: number; readonly withoutLedgerRow: number }>>;
  readonly duplicateExamples: readonly string[];
  readonly ledgerSuccessesWithoutSideEffect: number;
  readonly events: {
    readonly lifecycle: {
      readonly outboxEvents: number;
      readonly unpublished: number;
      readonly onTopic: number;
      readonly lost: number;
      /** the same event id delivered again (an inbox drops these) */
      readonly redelivered: number;
      /** the same fact under two event ids: an inbox cannot drop these */
      readonly duplicatesAfterDedupe: number;
      readonly readError?: string | undefined;
    };
    readonly provisioningResults: {
      readonly activations: number;
      readonly applied: number;
      /** accepted by the provider, result never applied */
      readonly lost: number;
      readonly appliedTwice: number;
      readonly inbox: Readonly<Record<string, number>>;
    };
  };
  readonly incidentsOpen: number;
  readonly incidentMessages: readonly string[];
  readonly cases: Readonly<Record<string, number>>;
  readonly casesOpen: number;
}

export async function auditChaos(h: FulfillmentHarness, submitted: number, accepted: readonly Accepted[], refused: number, lifecycle: readonly TopicRecord[] | { readonly error: string }): Promise<ChaosAudit> {
  const ids = [...new Set(accepted.map((a) => a.orderId))];
  const idsSql = sql.array(ids, 'text');
  const db = h.db;

  // --- orders
  const rows = await db.any(sql.type(z.object({ order_id: z.string(), order_status: z.string() }))`select order_id, order_status from customer_order where order_id = any(${idsSql})`);
  const statusOf = new Map(rows.map((r) => [r.order_id, r.order_status]));
  const open = ids.filter((id) => !FINISHED.has(statusOf.get(id) ?? '') && statusOf.get(id) !== 'FALLOUT');
  const observed = new Map<string, Observed>(await inParallel(open, 8, async (id) => [id, await observe(db, h.pt.search, id)] as const));
  const byStatus: Record<string, number> = {};
  for (const id of ids) byStatus[statusOf.get(id) ?? 'MISSING'] = (byStatus[statusOf.get(id) ?? 'MISSING'] ?? 0) + 1;
  const obs = [...observed.values()];
  // the same classes as the settle wait (tools/demo/outcomes.ts): a person's turn, the reconciler's, or nobody's
  const userTask = obs.filter((o) => o.userTask).length;
  const incident = obs.filter((o) => !o.userTask && o.incident && o.reconciling === 0).length;
  const reconciling = obs.filter((o) => !o.userTask && o.reconciling > 0).length;
  const isStuck = (o: Observed) => !o.userTask && !o.incident && o.reconciling === 0;
  const stuck = obs.filter(isStuck).length;
  // where the stuck ones stand in the engine (a few; the search side answers slowly)
  const stuckAt = new Map<string, string>();
  for (const [id, o] of [...observed].filter(([, o]) => isStuck(o)).slice(0, 30)) {
    const active = o.processInstanceKey ? await h.pt.search.elementInstances(o.processInstanceKey).catch(() => []) : [];
    const tasks = active.filter((e) => e.state === 'ACTIVE' && /TASK/.test(e.type)).map((e) => e.elementId);
    stuckAt.set(id, tasks.length ? tasks.join(', ') : o.processInstanceKey ? 'no active task' : 'no process instance');
  }
  const ends: OrderEnd[] = accepted.map((a) => {
    const o = observed.get(a.orderId);
    const outcome = !o
      ? (statusOf.get(a.orderId) ?? 'MISSING')
      : o.userTask
        ? `user task ${o.userTask.elementId}`
        : o.reconciling > 0
          ? `reconciling${o.incident ? ` (incident at ${o.incident.elementId})` : ''}`
          : o.incident
            ? `incident at ${o.incident.elementId}`
            : `stuck at ${stuckAt.get(a.orderId) ?? '?'} (${o.status})`;
    return { orderId: a.orderId, plan: a.planned.label, expect: a.planned.expect, outcome };
  });
  const asPlanned = ends.filter(endedAsPlanned).length;

  // --- side effects at the simulators vs the ledger
  // One business intent per ref, except provisioning: a service order's activation (ADD) and its
  // compensation (DELETE) share orderRef/itemRef; the action is the last part of the client's key.
  const intentOf = (e: SideEffect) => (e.system === 'provisioning' ? `${e.ref}#${e.idempotencyKey?.split(':').at(-1) ?? '?'}` : e.ref);
  const effects = (await h.sideEffects({})) as SideEffect[];
  const keyOf = (e: SideEffect) => e.idempotencyKey ?? (e.system === 'notification' ? e.ref : undefined);
  const keys = [...new Set(effects.map(keyOf).filter((k): k is string => k !== undefined))];
  const ledgerKeys = new Set(await db.anyFirst(sql.type(z.object({ idempotency_key: z.string() }))`select idempotency_key from external_call_attempt where idempotency_key = any(${sql.array(keys, 'text')})`));
  const sideEffects: Record<string, { effects: number; duplicates: number; withoutLedgerRow: number }> = {};
  const perRef = new Map<string, number>();
  for (const e of effects) {
    const s = (sideEffects[e.system] ??= { effects: 0, duplicates: 0, withoutLedgerRow: 0 });
    s.effects++;
    const k = keyOf(e);
    if (k !== undefined && !ledgerKeys.has(k)) s.withoutLedgerRow++;
    const ref = `${e.system}|${e.operation}|${intentOf(e)}`;
    perRef.set(ref, (perRef.get(ref) ?? 0) + 1);
  }
  const duplicateExamples: string[] = [];
  for (const [ref, count] of perRef) {
    if (count < 2) continue;
    const system = ref.split('|')[0] ?? '?';
    const s = sideEffects[system];
    if (s) s.duplicates += count - 1;
    if (duplicateExamples.length < 10) duplicateExamples.push(`${ref} ×${count}`);
  }
  const correlation = await db.anyFirst(sql.type(z.object({ correlation_id: z.string() }))`select correlation_id from customer_order where order_id = any(${idsSql})`);
  const successes = await db.anyFirst(sql.type(z.object({ idempotency_key: z.string() }))`
    select idempotency_key from external_call_attempt
    where correlation_id = any(${sql.array(correlation, 'text')}) and status in ('SUCCEEDED', 'PENDING') and operation_code = any(${sql.array(EFFECT_OPERATIONS, 'text')})`);
  const effectKeys = new Set(keys);
  const ledgerSuccessesWithoutSideEffect = successes.filter((k) => !effectKeys.has(k)).length;

  // --- lifecycle events: outbox → topic
  const outbox = await db.any(sql.type(z.object({ event_id: z.string(), published: z.boolean() }))`
    select event_id::text, published_at is not null as published from outbox_event where message_key = any(${idsSql})`);
  const lifecycleReport = (() => {
    if ('error' in lifecycle) return { outboxEvents: outbox.length, unpublished: outbox.filter((r) => !r.published).length, onTopic: 0, lost: Number.NaN, redelivered: Number.NaN, duplicatesAfterDedupe: Number.NaN, readError: lifecycle.error };
    const seen = new Map<string, number>();
    for (const r of lifecycle) if (r.eventId) seen.set(r.eventId, (seen.get(r.eventId) ?? 0) + 1);
    const facts = new Map<string, Set<string>>();
    for (const r of lifecycle) {
      if (!r.eventId) continue;
      const fact = `${r.key}|${r.eventType}|${r.about ?? ''}`;
      const set = facts.get(fact) ?? new Set<string>();
      set.add(r.eventId);
      facts.set(fact, set);
    }
    return {
      outboxEvents: outbox.length,
      unpublished: outbox.filter((r) => !r.published).length,
      onTopic: seen.size,
      lost: outbox.filter((r) => !seen.has(r.event_id)).length,
      redelivered: [...seen.values()].reduce((n, c) => n + c - 1, 0),
      duplicatesAfterDedupe: [...facts.values()].reduce((n, s) => n + s.size - 1, 0),
    };
  })();

  // --- provisioning results: provider → callback / Kafka → inbox → task
  const tasks = await db.any(sql.type(z.object({ status: z.string(), external_request_id: z.string().nullable(), last_external_call_id: z.string().nullable() }))`
    select status, external_request_id, last_external_call_id::text from fulfillment_task where order_id = any(${idsSql}) and task_type = 'ACTIVATE_SERVICE'`);
  const accepted_ = tasks.filter((t) => t.external_request_id !== null);
  const callIds = accepted_.map((t) => t.last_external_call_id).filter((c): c is string => c !== null);
  const appliedTwice = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
    select count(*)::int as n from (select external_call_id from external_call_evidence
      where kind = 'CALLBACK' and detail like '%: final result' and external_call_id::text = any(${sql.array(callIds, 'text')})
      group by external_call_id having count(*) > 1) twice`);
  const inboxRows = await db.any(sql.type(z.object({ source_topic: z.string(), status: z.string(), n: z.number() }))`
    select source_topic, status, count(*)::int as n from inbox_event
    where subject_id = any(${sql.array(accepted_.map((t) => t.external_request_id ?? ''), 'text')}) group by 1, 2`);

  // --- incidents and cases
  const cases = await db.any(sql.type(z.object({ status: z.string(), n: z.number() }))`select status, count(*)::int as n from reconciliation_case where order_id = any(${idsSql}) group by status`);
  const caseCounts = Object.fromEntries(cases.map((c) => [c.status, c.n]));
  const messages = new Map<string, number>();
  for (const o of obs) if (o.incident) messages.set(o.incident.message.slice(0, 140), (messages.get(o.incident.message.slice(0, 140)) ?? 0) + 1);

  return {
    orders: {
      submitted,
      accepted: ids.length,
      refused,
      byStatus,
      finished: ids.filter((id) => FINISHED.has(statusOf.get(id) ?? '')).length,
      fallout: (byStatus.FALLOUT ?? 0) + userTask,
      waitingForPerson: { incident, userTask },
      reconciling,
      stuck,
      lost: refused + stuck,
      asPlanned,
      notAsPlanned: ends.filter((e) => !endedAsPlanned(e)),
    },
    sideEffects,
    duplicateExamples,
    ledgerSuccessesWithoutSideEffect,
    events: {
      lifecycle: lifecycleReport,
      provisioningResults: {
        activations: accepted_.length,
        applied: accepted_.filter((t) => t.status === 'SUCCEEDED' || t.status === 'FAILED').length,
        lost: accepted_.filter((t) => t.status === 'WAITING_EXTERNAL').length,
        appliedTwice,
        inbox: Object.fromEntries(inboxRows.map((r) => [`${r.source_topic} ${r.status}`, r.n])),
      },
    },
    incidentsOpen: obs.filter((o) => o.incident).length,
    incidentMessages: [...messages].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([m, n]) => `${n}× ${m}`),
    cases: caseCounts,
    casesOpen: (caseCounts.OPEN ?? 0) + (caseCounts.MANUAL_REVIEW ?? 0),
  };
}

function endedAsPlanned(e: { readonly expect: string; readonly outcome: string }): boolean {
  if (e.expect === 'completed') return e.outcome === 'COMPLETED';
  return e.outcome.startsWith('incident') || (e.expect === 'incident-or-reconciled' && e.outcome === 'COMPLETED');
}
