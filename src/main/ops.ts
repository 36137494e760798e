// `npm run ops -- <command>`: the operator's view of reconciliation from a terminal.
//   cases [--status OPEN|MANUAL_REVIEW|RESOLVED|CLOSED] [--order <orderId>]   list cases
//   case <caseId>                                                             evidence and history
//   decide <caseId> --decision ACCEPT_EXTERNAL_STATE|RETRY|CANCEL_ORDER --by <name> [--note <text>] [--reference <externalId>]
//   retry --order <orderId>                                                   retry its jobs in incidents
//   inbox [replay <eventId>]                                                  parked inbox events; replay one
import { parseArgs } from 'node:util';
import { engineOverGateway } from '../adapters/engine/engine-port.ts';
import { openGateway } from './gateway.ts';
import { processConfig } from './process-config.ts';
import { createDatabasePool } from '../platform/db.ts';
import { EngineSearch } from '../platform/engine-search.ts';
import { textTable } from '../platform/text-table.ts';
import { caseDetails } from '../core/reconciliation/case-details.ts';
import { CASE_STATUSES, CaseNotFound, listCases, type CaseStatus } from '../core/reconciliation/cases.ts';
import { decisionRequest, submitDecision } from '../core/reconciliation/submit-decision.ts';
import { retryOrderIncidents } from '../core/use-cases/retry-incidents.ts';
import { listParkedInboxEvents, replayParkedInboxEvent } from '../repositories/inbox-event.ts';

const usage = `usage: npm run ops -- cases [--status ${CASE_STATUSES.join('|')}] [--order <orderId>]
       npm run ops -- case <caseId>
       npm run ops -- decide <caseId> --decision ACCEPT_EXTERNAL_STATE|RETRY|CANCEL_ORDER --by <name> [--note <text>] [--reference <externalId>]
       npm run ops -- retry --order <orderId>
       npm run ops -- inbox [replay <eventId>]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { status: { type: 'string' }, order: { type: 'string' }, decision: { type: 'string' }, by: { type: 'string' }, note: { type: 'string' }, reference: { type: 'string' } },
});
const config = processConfig('ops');
const db = await createDatabasePool(config, 'ops');
const fmt = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'number' ? new Date(v).toISOString() : String(v ?? ''));

async function run(): Promise<number> {
  const [command, id] = positionals;
  switch (command) {
    case 'cases': {
      if (values.status && !(CASE_STATUSES as readonly string[]).includes(values.status)) throw new Error(`--status must be one of ${CASE_STATUSES.join(', ')}`);
      const cases = await listCases(db, { ...(values.status ? { status: values.status as CaseStatus } : {}), ...(values.order ? { orderId: values.order } : {}) });
      console.log(cases.length ? textTable(['case', 'status', 'system', 'mismatch', 'severity', 'order', 'checks', 'resolution'], cases.map((c) => [c.reconciliation_case_id, c.status, c.system_code, c.mismatch_type, c.severity, c.order_id ?? '', String(c.check_count), c.resolution ?? ''])) : 'no cases');
      return 0;
    }
    case 'case': {
      if (!id) throw new Error('case <caseId>');
      const d = await caseDetails(db, id);
      console.log(`case ${d.case.reconciliation_case_id}: ${d.case.status} — ${d.case.mismatch_type} on ${d.case.system_code} ${d.case.business_object_type} ${d.case.business_object_id} (order ${d.case.order_id ?? '-'}, severity ${d.case.severity})`);
      console.log(`expected: ${JSON.stringify(d.case.expected_state)}\nobserved: ${JSON.stringify(d.case.observed_state)}`);
      if (d.attempt) console.log(`attempt ${d.attempt.external_call_id}: ${d.attempt.status}, try ${d.attempt.attempt_no}, key ${d.attempt.idempotency_key}${d.attempt.failure_reason ? `, ${d.attempt.failure_reason}` : ''}`);
      console.log(`\nevidence\n${textTable(['evidence', 'try', 'kind', 'outcome', 'http', 'detail'], d.evidence.map((e) => [e.evidence_id, String(e.attempt_no), e.kind, e.outcome, String(e.http_status ?? ''), (e.detail ?? '').slice(0, 100)]))}`);
      console.log(`\nhistory\n${textTable(['at', 'action', 'by', 'note'], d.history.map((h) => [fmt(h.recorded_at), h.action, h.actor, (h.note ?? '').slice(0, 120)]))}`);
      return 0;
    }
    case 'decide': {
      if (!id) throw new Error('decide <caseId> --decision … --by …');
      if (!values.by?.trim()) throw new Error('decide <caseId> --decision … --by <operator>: name the operator who decides');
      const d = decisionRequest.parse({ decision: values.decision, note: values.note, externalReference: values.reference });
      const zeebe = openGateway(config);
      try {
        const r = await submitDecision(db, engineOverGateway(config, zeebe), id, d, values.by.trim());
        console.log(r.kind === 'submitted' ? `decision ${d.decision} by ${values.by.trim()} submitted (user task ${r.userTaskKey}); the reconciliation process applies it` : `not submitted: ${r.reason}`);
        return r.kind === 'submitted' ? 0 : 1;
      } finally {
        zeebe.close();
      }
    }
    case 'retry': {
      if (!values.order) throw new Error('retry --order <orderId>');
      const zeebe = openGateway(config);
      try {
        const r = await retryOrderIncidents(db, engineOverGateway(config, zeebe), new EngineSearch(config), values.order);
        if (r.kind === 'refused') {
          console.log(`not retried: ${r.reason}`);
          return 1;
        }
        console.log(textTable(['element', 'job', 'result'], r.jobs.map((j) => [j.elementId, j.jobKey, j.result])));
        return r.jobs.every((j) => j.result === 'resumed') ? 0 : 1;
      } finally {
        zeebe.close();
      }
    }
    case 'inbox': {
      if (id === 'replay') {
        const eventId = positionals[2];
        if (!eventId) throw new Error('inbox replay <eventId>');
        const replayed = await replayParkedInboxEvent(db, eventId);
        console.log(replayed ? `inbox event ${eventId} is due again (attempts start over)` : `not replayed: ${eventId} is not a parked event with retry input (see README, "Parked inbox events")`);
        return replayed ? 0 : 1;
      }
      const parked = await listParkedInboxEvents(db);
      console.log(parked.length ? textTable(['event', 'status', 'topic', 'type', 'attempts', 'received', 'reason'], parked.map((p) => [p.eventId, p.status, p.sourceTopic, p.eventType ?? '', String(p.attempts), p.receivedAt, (p.lastError ?? '').slice(0, 120)])) : 'no parked inbox events');
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

try {
  process.exitCode = await run();
} catch (err) {
  console.error(err instanceof CaseNotFound ? err.message : `ops: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.end();
}
