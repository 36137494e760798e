// Reconciliation cases (GET /operator/cases) and one case with what the reconciler saw and its
// history (GET /operator/cases/:caseId). The decision form is a later step of the console.
import { getJson, send } from '../api.ts';
import { showError, showNotice } from '../banner.ts';
import { h, show } from '../dom.ts';
import { link, navigate } from '../router.ts';
import { mayAct } from '../session.ts';

interface CaseSummary { caseId: string; status: string; system: string; mismatchType: string; severity: string; orderId: string | null; checks: number; resolution: string | null; decidedBy: string | null }
const STATUSES = ['', 'OPEN', 'MANUAL_REVIEW', 'RESOLVED', 'CLOSED'];

export async function casesPage(outlet: HTMLElement, query: URLSearchParams): Promise<void> {
  const status = query.get('status') ?? '';
  const holder = h('div', { class: 'table-holder' }, h('p', { class: 'loading' }, 'Loading cases…'));
  const picker = h('select', { testid: 'cases-status', 'aria-label': 'status', onchange: () => navigate(link(`/cases${picker.value ? `?status=${picker.value}` : ''}`)) },
    STATUSES.map((value) => h('option', { value, selected: value === status }, value || 'all statuses')));
  show(outlet, h('h1', {}, 'Reconciliation cases'), h('div', { class: 'filters' }, picker), holder);
  const { cases } = await getJson<{ cases: CaseSummary[] }>(`/operator/cases?limit=200${status ? `&status=${status}` : ''}`);
  show(holder, cases.length === 0 ? h('p', { testid: 'cases-empty' }, 'No case.') : h('table', { testid: 'cases-table' },
    h('thead', {}, h('tr', {}, ['Case', 'Status', 'Order', 'System', 'Mismatch', 'Severity', 'Checks', 'Resolution'].map((title) => h('th', {}, title)))),
    h('tbody', {}, cases.map((entry) => h('tr', { testid: 'case-row', 'data-case-id': entry.caseId },
      h('td', {}, h('a', { href: link(`/cases/${entry.caseId}`), testid: 'case-link' }, entry.caseId.slice(0, 8))),
      h('td', {}, h('span', { class: `state state-${entry.status.toLowerCase()}`, testid: 'case-status' }, entry.status)),
      h('td', {}, entry.orderId ? h('a', { href: link(`/orders/${encodeURIComponent(entry.orderId)}`) }, entry.orderId) : '–'),
      h('td', {}, entry.system), h('td', {}, entry.mismatchType), h('td', {}, entry.severity), h('td', {}, entry.checks),
      h('td', { testid: 'case-resolution' }, entry.resolution ?? '–', entry.decidedBy && ` (${entry.decidedBy})`),
    ))),
  ));
}

export async function casePage(outlet: HTMLElement, caseId: string): Promise<void> {
  show(outlet, h('p', { class: 'crumbs' }, h('a', { href: link('/cases') }, 'Reconciliation cases'), ' / ', caseId), h('p', { class: 'loading' }, 'Loading the case…'));
  const details = await getJson<{ case: Record<string, unknown>; attempt: Record<string, unknown> | null; evidence: Record<string, unknown>[]; history: Record<string, unknown>[] }>(`/operator/cases/${encodeURIComponent(caseId)}`);
  const orderId = typeof details.case['order_id'] === 'string' ? details.case['order_id'] : undefined;
  show(outlet,
    h('p', { class: 'crumbs' }, h('a', { href: link('/cases') }, 'Reconciliation cases'), ' / ', caseId),
    h('h1', {}, 'Case ', h('span', { class: `state state-${String(details.case['status']).toLowerCase()}`, testid: 'case-detail-status' }, String(details.case['status']))),
    orderId && h('p', {}, 'Order ', h('a', { href: link(`/orders/${encodeURIComponent(orderId)}`) }, orderId)),
    h('section', { testid: 'case-detail' }, h('h2', {}, 'Case'), h('pre', {}, JSON.stringify(details.case, null, 2))),
    h('section', { testid: 'case-attempt' }, h('h2', {}, 'The attempt'), h('pre', {}, JSON.stringify(details.attempt, null, 2))),
    h('section', { testid: 'case-evidence' }, h('h2', {}, `What the reconciler saw (${details.evidence.length} evidence rows, redacted)`), details.evidence.map((row) => h('pre', { testid: 'case-evidence-row' }, JSON.stringify(row, null, 2)))),
    h('section', { testid: 'case-history' }, h('h2', {}, 'History'), h('table', {},
      h('thead', {}, h('tr', {}, ['When', 'What', 'Who', 'Observed', 'Note'].map((title) => h('th', {}, title)))),
      h('tbody', {}, details.history.map((row) => h('tr', { testid: 'case-history-row' },
        h('td', {}, typeof row['recorded_at'] === 'number' || typeof row['recorded_at'] === 'string' ? new Date(row['recorded_at']).toLocaleString() : '–'),
        h('td', { testid: 'case-history-action' }, String(row['action'] ?? '')),
        h('td', {}, String(row['actor'] ?? '')),
        h('td', { class: 'message' }, observedText(row['observed_state'])),
        h('td', { class: 'message' }, String(row['note'] ?? '')),
      ))),
    )),
    details.case['status'] === 'MANUAL_REVIEW' && (mayAct() ? decisionForm(outlet, caseId) : h('p', { class: 'hint' }, 'The case waits for an operator\'s decision.')),
  );
}

const DECISIONS: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'RETRY', label: 'Retry the call (the external system did not act)' },
  { value: 'ACCEPT_EXTERNAL_STATE', label: 'Accept what the external system did (needs its reference)' },
  { value: 'CANCEL_ORDER', label: 'Cancel the order' },
];

function decisionForm(outlet: HTMLElement, caseId: string): HTMLElement {
  const choices = DECISIONS.map((option) => h('input', { type: 'radio', name: 'decision', value: option.value, testid: `case-decision-${option.value}` }));
  const reference = h('input', { name: 'externalReference', maxlength: 200, testid: 'case-decision-reference' });
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000, testid: 'case-decision-note' });
  const submit = h('button', { type: 'submit', testid: 'case-decision-submit' }, 'Decide');
  return h('form', {
    class: 'task-form',
    testid: 'case-decision-form',
    onsubmit: (event: Event) => {
      event.preventDefault();
      const decision = choices.find((choice) => choice.checked)?.value;
      if (!decision) return showError('choose a decision', 'The decision is not complete');
      if (decision === 'ACCEPT_EXTERNAL_STATE' && reference.value.trim() === '') return showError('accepting the external state needs its reference', 'The decision is not complete');
      submit.disabled = true;
      void send('POST', `/operator/cases/${encodeURIComponent(caseId)}/decision`, { decision, ...(note.value ? { note: note.value } : {}), ...(reference.value.trim() ? { externalReference: reference.value.trim() } : {}) })
        .then(() => { showNotice(`Decision ${decision} submitted`); return casePage(outlet, caseId); })
        .catch((error: unknown) => { submit.disabled = false; showError(error, 'Not decided'); });
    },
  },
    h('h2', {}, 'Decision'),
    h('div', { class: 'form-field' }, h('div', { class: 'choices', role: 'radiogroup' }, choices.map((choice, index) => h('label', {}, choice, ` ${DECISIONS[index]?.label ?? ''}`)))),
    h('div', { class: 'form-field' }, h('label', {}, 'External reference', reference)),
    h('div', { class: 'form-field' }, h('label', {}, 'Note', note)),
    submit,
  );
}

/** what the reconciler saw, as a line: its summary or reason, else the JSON */
function observedText(observed: unknown): string {
  if (observed === null || observed === undefined) return '–';
  if (typeof observed === 'object') {
    const record = observed as Record<string, unknown>;
    const text = record['summary'] ?? record['reason'];
    if (typeof text === 'string') return typeof record['kind'] === 'string' ? `${record['kind']}: ${text}` : text;
  }
  return JSON.stringify(observed);
}
