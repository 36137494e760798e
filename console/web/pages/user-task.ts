// One user task: what it is and for which order, claim / unclaim, its Camunda form rendered from
// the engine's JSON (prefilled from the instance's variables) and Complete with the form's values.
// Viewers see the form read only.
import { ApiError, engine, getJson, getOptionalJson, search, send } from '../api.ts';
import { showError, showNotice } from '../banner.ts';
import { h, show, time } from '../dom.ts';
import { orderIdsOfInstances, type UserTask } from '../farm.ts';
import { parseFormSchema } from '../form/form-schema.ts';
import { renderForm } from '../form/render-form.ts';
import { link, navigate } from '../router.ts';
import { currentCaller, mayAct } from '../session.ts';

interface Variable { name: string; value: string; scopeKey: string; isTruncated?: boolean }

export async function userTaskPage(outlet: HTMLElement, userTaskKey: string): Promise<void> {
  show(outlet, h('p', { class: 'crumbs' }, h('a', { href: link('/user-tasks') }, 'User tasks'), ' / ', userTaskKey), h('p', { class: 'loading' }, 'Loading the task…'));
  const task = await getJson<UserTask & { elementInstanceKey?: string; candidateGroups?: string[] }>(engine(`/user-tasks/${userTaskKey}`));
  const [formAnswer, variables, orderOfInstance] = await Promise.all([
    fetchForm(userTaskKey),
    search<Variable>('variables', { processInstanceKey: task.processInstanceKey }, { limit: 1000 }),
    orderIdsOfInstances([task.processInstanceKey]),
  ]);
  // the task's own scope wins over the instance's
  const values: Record<string, unknown> = {};
  for (const scope of [task.processInstanceKey, task.elementInstanceKey]) {
    for (const variable of variables.filter((entry) => entry.scopeKey === scope && !entry.isTruncated)) values[variable.name] = parsed(variable.value);
  }
  const orderId = orderOfInstance.get(task.processInstanceKey) ?? (typeof values['orderId'] === 'string' ? values['orderId'] : undefined);
  const me = currentCaller()?.displayName || currentCaller()?.clientId || '';
  const open = task.state === 'CREATED';
  const form = formAnswer ? renderForm(parseFormSchema(formAnswer.schema), values, { readOnly: !mayAct() || !open }) : undefined;
  const reload = () => userTaskPage(outlet, userTaskKey);
  const complete = h('button', {
    type: 'submit',
    testid: 'user-task-complete',
    onclick: (event: Event) => {
      event.preventDefault();
      const collected = form?.collect() ?? { kind: 'valid', variables: {} };
      if (collected.kind === 'invalid') {
        showError(`${Object.entries(collected.errors).map(([key, problem]) => `${key}: ${problem}`).join('; ')}`, 'The form is not complete');
        return;
      }
      complete.disabled = true;
      void (async () => {
        try {
          if (!task.assignee) await send('POST', engine(`/user-tasks/${userTaskKey}/assignment`), { assignee: me, allowOverride: false });
          await send('POST', engine(`/user-tasks/${userTaskKey}/completion`), { variables: collected.variables });
          showNotice(`Task ${task.name ?? task.elementId} completed`);
          navigate(orderId ? link(`/orders/${encodeURIComponent(orderId)}`) : link('/user-tasks'));
        } catch (error) {
          complete.disabled = false;
          showError(error, 'Not completed');
        }
      })();
    },
  }, 'Complete');
  const claim = (assign: boolean) => () => void (assign ? send('POST', engine(`/user-tasks/${userTaskKey}/assignment`), { assignee: me, allowOverride: false }) : send('DELETE', engine(`/user-tasks/${userTaskKey}/assignee`)))
    .then(reload)
    .catch((error: unknown) => showError(error, assign ? 'Claim failed' : 'Unclaim failed'));
  show(outlet,
    h('p', { class: 'crumbs' }, h('a', { href: link('/user-tasks') }, 'User tasks'), ' / ', task.name ?? task.elementId),
    h('h1', {}, task.name ?? task.elementId, ' ', h('span', { class: `state state-${task.state.toLowerCase()}`, testid: 'user-task-state' }, task.state)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Order'), h('dd', {}, orderId ? h('a', { href: link(`/orders/${encodeURIComponent(orderId)}`), testid: 'user-task-order-link' }, orderId) : task.processInstanceKey),
      h('dt', {}, 'Assignee'), h('dd', { testid: 'user-task-assignee' }, task.assignee ?? '–'),
      h('dt', {}, 'Candidate groups'), h('dd', {}, task.candidateGroups?.join(', ') || '–'),
      h('dt', {}, 'Created'), h('dd', {}, time(task.creationDate)),
    ),
    open && mayAct() && h('p', {}, task.assignee
      ? h('button', { type: 'button', class: 'secondary', testid: 'user-task-unclaim', onclick: claim(false) }, 'Unclaim')
      : h('button', { type: 'button', class: 'secondary', testid: 'user-task-claim', onclick: claim(true) }, 'Claim')),
    h('form', { class: 'task', testid: 'user-task-form', novalidate: true },
      form ? form.element : h('p', { class: 'hint' }, 'This task has no form.'),
      open && mayAct() ? complete : h('p', { class: 'hint' }, open ? 'Only an operator may complete a task.' : 'The task is no longer open.'),
    ),
  );
}

async function fetchForm(userTaskKey: string): Promise<{ schema: unknown } | undefined> {
  try {
    // 204 (no form) comes back as an empty body
    return await getOptionalJson<{ schema: unknown }>(engine(`/user-tasks/${userTaskKey}/form`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

function parsed(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
