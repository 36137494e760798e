// One order: its process diagram with the instance's state, its incidents (Retry for operators:
// the farm's retry, refused with the reason while a reconciliation case is open), per step the
// ledger's attempts with their redacted evidence, keys and outcomes, its cases and lifecycle events.
import { ApiError, engine, getJson, getText, search, send } from '../api.ts';
import { showError, showNotice } from '../banner.ts';
import { drawDiagram } from '../diagram.ts';
import { marksOf, type ElementInstance } from '../element-marks.ts';
import { h, show, time, type Child } from '../dom.ts';
import { activeIncidents, openUserTasks, type Incident } from '../farm.ts';
import { link } from '../router.ts';
import { mayAct } from '../session.ts';

interface Evidence { evidenceId: string; attemptNo: number; kind: string; outcome: string; failureCategory: string | null; detail: string | null; httpStatus: number | null; latencyMs: number | null; recordedAt: string; requestSnapshot: unknown; responseSnapshot: unknown }
interface Attempt { externalCallId: string; system: string; operation: string; idempotencyKey: string; requestHash: string; outcome: string; attemptNo: number; startedAt: string; endedAt: string | null; failureCategory: string | null; failureReason: string | null; httpStatus: number | null; externalRequestId: string | null; externalReferenceId: string | null; evidence: readonly Evidence[] }
interface Step { taskId: string; taskType: string; orderItemId: string | null; status: string; idempotencyKeys: readonly string[]; externalReferenceId: string | null; createdAt: string; updatedAt: string; attempts: readonly Attempt[] }
interface OrderOverview {
  order: { orderId: string; customerAccountId: string; status: string; fallout: boolean; correlationId: string; createdAt: string; updatedAt: string };
  orchestration: { processKey: string; processInstanceKey: string | null; startedAt: string; endedAt: string | null; lastKnownActivity: string | null } | null;
  steps: readonly Step[];
  otherAttempts: readonly Attempt[];
  cases: readonly { caseId: string; status: string; system: string; mismatchType: string; severity: string; checks: number; resolution: string | null; decidedBy: string | null; detectedAt: string }[];
  events: readonly { eventId: string; eventType: string; topic: string; occurredAt: string | null; createdAt: string; published: boolean; publishedAt: string | null }[];
  eventsTruncated: boolean;
}

export async function orderPage(outlet: HTMLElement, orderId: string): Promise<void> {
  const diagram = h('div', { class: 'diagram', testid: 'order-diagram' }, h('p', { class: 'loading' }, 'Loading the diagram…'));
  const incidents = h('section', { testid: 'order-incidents' });
  const details = h('div', { testid: 'order-details' }, h('p', { class: 'loading' }, 'Loading the order…'));
  const header = h('div', { class: 'order-head', testid: 'order-head' });
  const refresh = h('button', { type: 'button', class: 'secondary', testid: 'order-refresh', onclick: () => void orderPage(outlet, orderId).catch((error: unknown) => showError(error)) }, 'Refresh');
  show(outlet, h('p', { class: 'crumbs' }, h('a', { href: link('/orders') }, 'Orders'), ' / ', orderId, ' ', refresh), header, diagram, incidents, details);

  const overview = await getJson<OrderOverview>(`/operator/orders/${encodeURIComponent(orderId)}`);
  const instanceKey = overview.orchestration?.processInstanceKey ?? null;
  show(header,
    h('h1', {}, overview.order.orderId, ' ', h('span', { class: `state state-${overview.order.status.toLowerCase()}`, testid: 'order-status' }, overview.order.status), overview.order.fallout && h('span', { class: 'flag fallout' }, 'fallout')),
    h('dl', { class: 'facts' },
      fact('Customer', overview.order.customerAccountId), fact('Created', time(overview.order.createdAt)), fact('Updated', time(overview.order.updatedAt)),
      fact('Process', overview.orchestration?.processKey ?? '–'), fact('Instance', instanceKey ?? 'not started', 'order-instance-key'), fact('Correlation id', overview.order.correlationId),
    ),
  );
  show(details, stepsSection(overview), casesSection(overview), eventsSection(overview));
  if (instanceKey === null) {
    show(diagram, h('p', {}, 'No process instance for this order (yet).'));
    return;
  }
  await Promise.all([
    diagramOf(diagram, instanceKey).catch((error: unknown) => { show(diagram, h('p', { class: 'error' }, `The diagram could not be drawn: ${(error as Error).message}`)); }),
    incidentsOf(incidents, orderId, instanceKey).catch((error: unknown) => showError(error, 'Incidents')),
  ]);
}

const fact = (term: string, value: Child, testid?: string) => [h('dt', {}, term), h('dd', { testid }, value)];

async function diagramOf(container: HTMLElement, instanceKey: string): Promise<void> {
  const instance = await getJson<{ processDefinitionKey: string; state: string }>(engine(`/process-instances/${instanceKey}`));
  const [xml, elements, incidents] = await Promise.all([
    getText(engine(`/process-definitions/${instance.processDefinitionKey}/xml`)),
    search<ElementInstance>('element-instances', { processInstanceKey: instanceKey }, { limit: 10_000 }),
    activeIncidents({ processInstanceKey: instanceKey }),
  ]);
  const marks = marksOf(elements, incidents.map((incident) => incident.elementId));
  container.replaceChildren();
  container.dataset['instanceState'] = instance.state;
  drawDiagram(container, xml, marks);
  const counts = [...marks.counts].map(([elementId, count]) => h('li', { 'data-element-id': elementId }, `${elementId}: ${count.total} instances, ${count.completed} completed${count.active > 0 ? `, ${count.active} active` : ''}`));
  container.after(h('details', { class: 'counts', testid: 'diagram-counts' }, h('summary', {}, `Multi-instance counts (${counts.length})`), h('ul', {}, counts)));
  container.append(h('p', { class: 'legend' }, h('span', { class: 'key active' }, 'active'), h('span', { class: 'key completed' }, 'completed'), h('span', { class: 'key incident' }, 'incident'), `instance ${instance.state.toLowerCase()}`));
}

async function incidentsOf(section: HTMLElement, orderId: string, instanceKey: string): Promise<void> {
  const [incidents, tasks] = await Promise.all([activeIncidents({ processInstanceKey: instanceKey }), openUserTasks({ processInstanceKey: instanceKey })]);
  const outcome = h('p', { class: 'retry-outcome', testid: 'retry-outcome', role: 'status' });
  const retry = h('button', {
    type: 'button',
    testid: 'retry-incidents',
    onclick: () => {
      retry.disabled = true;
      void send<{ jobs: unknown[] }>('POST', `/operator/orders/${encodeURIComponent(orderId)}/incidents/retry`)
        .then((answer) => { showNotice(`Retried: ${answer?.jobs.length ?? 0} job(s) resumed`); outcome.textContent = `Retried ${answer?.jobs.length ?? 0} job(s); Refresh shows how the order goes on.`; })
        .catch((error: unknown) => { outcome.textContent = error instanceof ApiError ? `Not retried: ${error.problem?.detail ?? error.message}` : String(error); outcome.classList.add('error'); })
        .finally(() => { retry.disabled = false; });
    },
  }, 'Retry');
  show(section,
    h('h2', {}, `Incidents (${incidents.length})`),
    incidents.length === 0 ? h('p', { testid: 'order-no-incidents' }, 'No open incident.') : [incidentTable(incidents), mayAct() ? retry : h('p', { class: 'hint' }, 'Only an operator may retry.'), outcome],
    tasks.length > 0 && h('p', { testid: 'order-waiting' }, 'Waiting for a person: ', tasks.map((task) => h('a', { href: link(`/user-tasks/${task.userTaskKey}`), testid: 'order-user-task-link' }, task.name ?? task.elementId))),
  );
}

export function incidentTable(incidents: readonly Incident[], orderOf?: (incident: Incident) => Child): HTMLElement {
  return h('table', { testid: 'incidents-table' },
    h('thead', {}, h('tr', {}, [...(orderOf ? ['Order'] : []), 'Element', 'Type', 'Message', 'Since'].map((title) => h('th', {}, title)))),
    h('tbody', {}, incidents.map((incident) => h('tr', { testid: 'incident-row', 'data-incident-key': incident.incidentKey },
      orderOf && h('td', {}, orderOf(incident)),
      h('td', { testid: 'incident-element' }, incident.elementId),
      h('td', {}, incident.errorType),
      h('td', { class: 'message', testid: 'incident-message' }, incident.errorMessage),
      h('td', {}, time(incident.creationTime)),
    ))),
  );
}

function stepsSection(overview: OrderOverview): HTMLElement {
  const attempts = (list: readonly Attempt[]): HTMLElement[] => (list.length === 0 ? [h('p', { class: 'hint' }, 'No external call.')] : list.map(attemptView));
  return h('section', { testid: 'order-steps' },
    h('h2', {}, 'Steps'),
    overview.steps.length === 0 && h('p', {}, 'No step recorded yet.'),
    overview.steps.map((step) => h('article', { class: 'step', testid: 'order-step', 'data-task-type': step.taskType },
      h('h3', {}, step.taskType, ' ', h('span', { class: `state state-${step.status.toLowerCase()}`, testid: 'step-status' }, step.status), step.orderItemId && h('span', { class: 'hint' }, ` item ${step.orderItemId}`)),
      h('p', { class: 'keys' }, 'Idempotency key: ', step.idempotencyKeys.map((key) => h('code', { testid: 'step-idempotency-key' }, key))),
      attempts(step.attempts),
    )),
    overview.otherAttempts.length > 0 && [h('h3', {}, 'Calls of no recorded step'), ...attempts(overview.otherAttempts)],
  );
}

function attemptView(attempt: Attempt): HTMLElement {
  return h('div', { class: 'attempt', testid: 'attempt' },
    h('p', {},
      h('strong', {}, `${attempt.system} ${attempt.operation}`), ' ',
      h('span', { class: `outcome outcome-${attempt.outcome.toLowerCase()}`, testid: 'attempt-outcome' }, attempt.outcome),
      attempt.failureCategory && h('span', { class: 'category', testid: 'attempt-failure-category' }, attempt.failureCategory),
      ` ${attempt.attemptNo} tr${attempt.attemptNo === 1 ? 'y' : 'ies'}`,
      attempt.httpStatus !== null && `, HTTP ${attempt.httpStatus}`,
    ),
    h('p', { class: 'keys' }, 'key ', h('code', {}, attempt.idempotencyKey), ' · request hash ', h('code', {}, attempt.requestHash.slice(0, 16)), attempt.externalRequestId && [' · external request ', h('code', {}, attempt.externalRequestId)], ` · ${time(attempt.startedAt)} → ${time(attempt.endedAt)}`),
    attempt.failureReason && h('p', { class: 'reason' }, attempt.failureReason),
    h('details', { testid: 'attempt-evidence' },
      h('summary', {}, `Evidence (${attempt.evidence.length}, redacted)`),
      attempt.evidence.map((evidence) => h('div', { class: 'evidence', testid: 'evidence' },
        h('p', {}, `#${evidence.attemptNo} ${evidence.kind} · ${evidence.outcome}`, evidence.failureCategory && ` · ${evidence.failureCategory}`, evidence.httpStatus !== null && ` · HTTP ${evidence.httpStatus}`, evidence.latencyMs !== null && ` · ${evidence.latencyMs} ms`, ` · ${time(evidence.recordedAt)}`),
        evidence.detail && h('p', {}, evidence.detail),
        h('pre', {}, JSON.stringify({ request: evidence.requestSnapshot, response: evidence.responseSnapshot }, null, 2)),
      )),
    ),
  );
}

function casesSection(overview: OrderOverview): HTMLElement {
  return h('section', { testid: 'order-cases' },
    h('h2', {}, `Reconciliation cases (${overview.cases.length})`),
    overview.cases.length === 0 ? h('p', {}, 'None.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Case', 'Status', 'System', 'Mismatch', 'Checks', 'Resolution', 'Detected'].map((title) => h('th', {}, title)))),
      h('tbody', {}, overview.cases.map((entry) => h('tr', { testid: 'order-case-row' },
        h('td', {}, h('a', { href: link(`/cases/${entry.caseId}`), testid: 'case-link' }, entry.caseId.slice(0, 8))),
        h('td', {}, h('span', { class: `state state-${entry.status.toLowerCase()}` }, entry.status)),
        h('td', {}, entry.system), h('td', {}, entry.mismatchType), h('td', {}, entry.checks),
        h('td', {}, entry.resolution ?? '–', entry.decidedBy && ` (${entry.decidedBy})`), h('td', {}, time(entry.detectedAt)),
      ))),
    ),
  );
}

function eventsSection(overview: OrderOverview): HTMLElement {
  return h('section', { testid: 'order-events' },
    h('h2', {}, `Lifecycle events (${overview.events.length}${overview.eventsTruncated ? ', cut' : ''})`),
    overview.events.length === 0 ? h('p', {}, 'None.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Event', 'Topic', 'Occurred', 'Published'].map((title) => h('th', {}, title)))),
      h('tbody', {}, overview.events.map((event) => h('tr', { testid: 'order-event-row' },
        h('td', {}, event.eventType), h('td', {}, event.topic), h('td', {}, time(event.occurredAt ?? event.createdAt)), h('td', {}, event.published ? time(event.publishedAt) : 'not yet'),
      ))),
    ),
  );
}
