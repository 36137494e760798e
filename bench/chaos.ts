// `npm run bench:chaos [-- --orders N --replicas N --rate N ...]` — exactly-once under faults.
// N orders (default 1,000) through the intake at a steady rate into farm replicas that run the event
// side too, while the simulators inject faults (5xx, 429, timeout after commit, malformed bodies),
// a replica is SIGKILLed and replaced on a schedule, and PostgreSQL, Kafka and Camunda each go down
// once. Then it waits until every order has finished or waits on a person, and reports: orders
// finished / fallout / still open, duplicate side effects per system, side effects without a
// ledger row, lifecycle and provisioning-result events lost or duplicated after inbox dedupe,
// incidents and reconciliation cases left open. Targets: 0 duplicates, 0 lost orders, 0 lost events.
//
// It stops and starts servers of the local stack: run it when nobody else uses the stack.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'slonik';
import { z } from 'zod';
import { settled, observe } from '../tools/demo/outcomes.ts';
import { LIFECYCLE_TOPIC } from '../src/events/event-schemas.ts';
import { stackSettings } from '../stack/settings.ts';
import { auditChaos, type ChaosAudit } from './chaos/audit.ts';
import { planFaults } from './chaos/fault-plan.ts';
import { readSince, topicEnds, type TopicRecord } from './chaos/lifecycle-topic.ts';
import { ReplicaPool } from './chaos/replica-pool.ts';
import { outage, type OutageComponent, type OutageRecord } from './chaos/stack-outages.ts';
import { startSubmitting } from './chaos/submitter.ts';
import { startBenchSetup } from './support/bench-setup.ts';
import { inParallel, ordinaryOrders } from './support/load.ts';
import { progress, say } from './support/progress.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '3' },
    rate: { type: 'string', default: '10' },
    items: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    'job-timeout-s': { type: 'string', default: '30' },
    'kill-every-s': { type: 'string', default: '15' },
    'restart-after-s': { type: 'string', default: '3' },
    'postgres-at': { type: 'string', default: '0.2' },
    'postgres-outage-s': { type: 'string', default: '0' },
    'kafka-at': { type: 'string', default: '0.4' },
    'kafka-outage-s': { type: 'string', default: '20' },
    'engine-at': { type: 'string', default: '0.7' },
    skip: { type: 'string', default: '' },
    'poll-cycle': { type: 'string', default: 'R/PT1M' },
    'settle-timeout-s': { type: 'string', default: '1200' },
    // nothing moved for this long: the open orders are stuck, not slow (timers, backoffs and the
    // reconciler's rechecks all act within a few minutes here); stop waiting and audit
    'stall-s': { type: 'string', default: '300' },
    'stack-up': { type: 'boolean', default: true },
    yes: { type: 'boolean', default: false },
  },
  allowNegative: true,
});
const n = Number(values.orders);
const skip = new Set(values.skip.split(',').filter(Boolean));
const outages: { component: OutageComponent; at: number; holdMs: number }[] = (
  [
    { component: 'postgres', at: Number(values['postgres-at']), holdMs: Number(values['postgres-outage-s']) * 1000 },
    { component: 'kafka', at: Number(values['kafka-at']), holdMs: Number(values['kafka-outage-s']) * 1000 },
    { component: 'engine', at: Number(values['engine-at']), holdMs: 0 },
  ] as const
).filter((o) => !skip.has(o.component));
const startedAt = new Date().toISOString();
const s = stackSettings();

say(`chaos: ${n} orders at ${values.rate}/s into ${values.replicas} farm replicas; a replica SIGKILLed every ${values['kill-every-s']}s (back after ${values['restart-after-s']}s)`);
say(`outages: ${outages.map((o) => `${o.component} at ${Math.round(o.at * 100)}% of the orders${o.holdMs ? ` (down ${o.holdMs / 1000}s)` : ''}`).join(', ') || 'none'} — servers of the stack in ${s.dir}`);
if (!values.yes && outages.length) {
  say('this stops and starts servers of the local stack: anyone else using it is disturbed. Starting in 10 s (Ctrl-C to stop; --yes skips this wait)');
  await sleep(10_000);
}

process.env.PROVISIONING_POLL_CYCLE = values['poll-cycle'];
const setup = await startBenchSetup('chaos', { completionDelayMs: 300, kafka: true, stackUp: values['stack-up'] });
const h = setup.harness;
const brokers = h.config.KAFKA_BROKERS;
const p = progress('chaos', 5_000);
const timeline: { atS: number; event: string }[] = [];
const event = (text: string) => {
  timeline.push({ atS: Number(p.elapsedS().toFixed(1)), event: text });
  p.line(text, true);
};

let pool: ReplicaPool | undefined;
let exitCode = 1;
try {
  const topicStart = await topicEnds(brokers, LIFECYCLE_TOPIC).catch((err: Error) => {
    event(`lifecycle topic offsets unreadable (${err.message}); reading it from the start afterwards`);
    return new Map<number, string>();
  });
  const planned = planFaults(ordinaryOrders(n, Number(values.items)));
  await inParallel(planned.flatMap((o) => o.rules), 16, (rule) => h.fault(rule));
  const kinds = Object.entries(Object.groupBy(planned, (o) => o.kind)).map(([k, v]) => `${v?.length ?? 0} ${k}`);
  event(`${planned.reduce((c, o) => c + o.rules.length, 0)} fault rules installed: ${kinds.join(', ')}`);

  pool = await ReplicaPool.start(Number(values.replicas), (slot, generation) => ({
    name: `farm-${slot + 1}-g${generation}`,
    mode: 'farm',
    suffix: h.suffix,
    concurrency: Number(values.concurrency),
    jobTimeoutMs: Number(values['job-timeout-s']) * 1000,
    events: true,
    env: setup.replicaEnv,
    logDir: setup.logDir,
  }));
  const replicas = pool;
  event(`replicas up (pids ${replicas.pids().join(', ')}); logs in ${setup.logDir}`);

  const submitter = startSubmitting(h, planned, { ratePerSecond: Number(values.rate), parallel: 16, giveUpMs: 600_000 });
  replicas.startKilling(Number(values['kill-every-s']) * 1000, Number(values['restart-after-s']) * 1000, event);
  const statusCounts = async (): Promise<Record<string, number>> => {
    const rows = await h.db.any(sql.type(z.object({ order_status: z.string(), n: z.number() }))`
      select order_status, count(*)::int as n from customer_order where order_id = any(${sql.array(submitter.acceptedIds(), 'text')}) group by 1`);
    return Object.fromEntries(rows.map((r) => [r.order_status, r.n]));
  };
  const describe = async () => {
    const counts = await statusCounts().catch(() => undefined);
    return `${submitter.accepted()}/${n} accepted; ${counts ? Object.entries(counts).map(([k, v]) => `${v} ${k.toLowerCase()}`).join(', ') : 'database unreachable'}`;
  };

  // the outages, one after the other, each once enough orders are in
  const outageRecords: OutageRecord[] = [];
  const outagesDone = (async () => {
    for (const o of outages) {
      while (submitter.accepted() < o.at * n) await sleep(500);
      event(`${o.component} outage begins`);
      try {
        outageRecords.push(await outage(s, o.component, o.holdMs, event));
      } catch (err) {
        event(`${o.component} outage failed: ${(err as Error).message}`);
      }
    }
  })();
  let submissionDone = false;
  const submission = submitter.done.finally(() => (submissionDone = true));
  while (!submissionDone) {
    p.line(await describe());
    await sleep(1_000);
  }
  const submitted = await submission;
  event(`submission done: ${submitted.accepted.length} accepted, ${submitted.refused.length} refused, ${submitted.retries} retried tries`);
  await outagesDone;
  await replicas.stopKilling();
  await replicas.ensureAll(event);
  event(`chaos over (${replicas.kills.length} replica kills, ${outageRecords.length} outages); waiting for the orders to settle`);

  // settle: every order finished, or waiting on a person (incident the reconciler is not on, user task)
  const ids = submitted.accepted.map((a) => a.orderId);
  const settleDeadline = Date.now() + Number(values['settle-timeout-s']) * 1000;
  let unsettled = ids.length;
  let lastPicture = '';
  let lastChange = Date.now();
  let stalled = false;
  for (;;) {
    const rows = await h.db.any(sql.type(z.object({ order_id: z.string(), order_status: z.string() }))`
      select order_id, order_status from customer_order where order_id = any(${sql.array(ids, 'text')})`).catch(() => []);
    const open = rows.filter((r) => !['COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'].includes(r.order_status)).map((r) => r.order_id);
    // the engine's search side only for the few still open (it answers slowly for many)
    const waiting = open.length <= 300 ? (await inParallel(open, 8, (id) => observe(h.db, h.pt.search, id).catch(() => undefined))).filter((o) => o !== undefined && settled(o)).length : 0;
    unsettled = open.length - waiting;
    p.line(`settling: ${ids.length - open.length} finished, ${waiting} waiting on a person, ${unsettled} in progress`);
    const picture = `${open.length}/${waiting}`;
    if (picture !== lastPicture) [lastPicture, lastChange] = [picture, Date.now()];
    stalled = Date.now() - lastChange > Number(values['stall-s']) * 1000;
    if (unsettled === 0 || stalled || Date.now() > settleDeadline) break;
    await sleep(10_000);
  }
  event(unsettled === 0 ? 'every order settled' : `${stalled ? `no order moved for ${values['stall-s']} s` : 'settle timeout'}: ${unsettled} order(s) still in progress`);

  // events: let the relay publish what the outbox holds for these orders, then read the topic
  for (let i = 0; i < 60; i++) {
    const left = await h.db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from outbox_event where published_at is null and message_key = any(${sql.array(ids, 'text')})`);
    if (left === 0) break;
    await sleep(2_000);
  }
  const keep = new Set(ids);
  const lifecycle: readonly TopicRecord[] | { error: string } = await readSince(brokers, LIFECYCLE_TOPIC, topicStart, (key) => keep.has(key)).catch((err: Error) => ({ error: err.message }));
  const audit = await auditChaos(h, n, submitted.accepted, submitted.refused.length, lifecycle);
  report(audit, unsettled);
  const lostEvents = audit.events.lifecycle.lost + audit.events.provisioningResults.lost;
  const duplicates = Object.values(audit.sideEffects).reduce((c, x) => c + x.duplicates, 0);
  const targets = [
    target('duplicate side effects (all systems)', duplicates, '==', 0),
    target('lost orders (never accepted, or stuck without a reason)', audit.orders.lost, '==', 0),
    target('lost events (lifecycle + provisioning results)', lostEvents, '==', 0),
  ];
  printTargets(targets);
  printTable('timeline', ['at (s)', 'event'], timeline.map((t) => [t.atS.toFixed(0), t.event]));
  const file = writeResult('chaos', {
    startedAt,
    finishedAt: new Date().toISOString(),
    parameters: { ...values, orders: n },
    machine: await machineInfo(),
    kills: replicas.kills,
    outages: outageRecords,
    unsettledAtEnd: unsettled,
    submission: { accepted: submitted.accepted.length, refused: submitted.refused.map((r) => ({ plan: r.planned.label, lastAnswer: r.lastAnswer })), retriedTries: submitted.retries },
    audit,
    targets,
    timeline,
  });
  say(`\nresults: ${file}`);
  exitCode = targets.every((t) => t.met) ? 0 : 1;
} catch (err) {
  console.error(`chaos bench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await pool?.stop();
  await setup.close();
}
process.exit(exitCode);

function report(a: ChaosAudit, unsettled: number): void {
  const o = a.orders;
  printTable('orders', ['submitted', 'accepted', 'refused', 'finished', 'fallout', 'open: incident', 'open: user task', 'open: reconciling', 'open: stuck', 'lost', 'as planned'], [
    [o.submitted, o.accepted, o.refused, o.finished, o.fallout, o.waitingForPerson.incident, o.waitingForPerson.userTask, o.reconciling, o.stuck, o.lost, o.asPlanned].map(String),
  ]);
  if (unsettled) say(`(${unsettled} order(s) were still in progress when the settle time ran out)`);
  if (o.notAsPlanned.length) printTable('orders not ending as planned (first 15)', ['order', 'fault', 'expected', 'ended'], o.notAsPlanned.slice(0, 15).map((e) => [e.orderId, e.plan, e.expect, e.outcome]));
  printTable('side effects at the external systems', ['system', 'side effects', 'duplicates', 'without a ledger row'], Object.entries(a.sideEffects).map(([sys, x]) => [sys, String(x.effects), String(x.duplicates), String(x.withoutLedgerRow)]));
  if (a.duplicateExamples.length) say(`duplicates: ${a.duplicateExamples.join('; ')}`);
  say(`ledger successes without a side effect at the system: ${a.ledgerSuccessesWithoutSideEffect}`);
  const l = a.events.lifecycle;
  const r = a.events.provisioningResults;
  printTable('events', ['stream', 'produced', 'delivered', 'lost', 'redelivered (same id, deduped)', 'duplicated after dedupe'], [
    ['lifecycle (outbox → Kafka)', String(l.outboxEvents), `${l.onTopic} on the topic${l.unpublished ? `, ${l.unpublished} unpublished` : ''}`, String(l.lost), String(l.redelivered), String(l.duplicatesAfterDedupe)],
    ['provisioning results (callback / Kafka → inbox)', `${r.activations} activations`, `${r.applied} applied`, String(r.lost), '–', String(r.appliedTwice)],
  ]);
  if (l.readError) say(`lifecycle topic not read: ${l.readError}`);
  say(`provisioning results in the inbox: ${Object.entries(r.inbox).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`);
  say(`incidents open: ${a.incidentsOpen}; reconciliation cases: ${Object.entries(a.cases).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'} (open: ${a.casesOpen})`);
  for (const m of a.incidentMessages) say(`  ${m}`);
}
