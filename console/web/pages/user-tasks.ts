// User tasks waiting for a person (engine search): claim and unclaim for operators; a task's own
// page (user-task.ts) shows its form and completes it.
import { engine, send } from '../api.ts';
import { showError } from '../banner.ts';
import { h, show, time } from '../dom.ts';
import { openUserTasks, orderIdsOfInstances, type UserTask } from '../farm.ts';
import { link } from '../router.ts';
import { currentCaller, mayAct } from '../session.ts';

export async function userTasksPage(outlet: HTMLElement): Promise<void> {
  const holder = h('div', { class: 'table-holder' }, h('p', { class: 'loading' }, 'Loading user tasks…'));
  show(outlet, h('h1', {}, 'User tasks'), holder);
  const tasks = await openUserTasks();
  const orderOfInstance = await orderIdsOfInstances(tasks.map((task) => task.processInstanceKey));
  const me = currentCaller()?.displayName || currentCaller()?.clientId || '';
  const act = (task: UserTask, claim: boolean) => () => {
    const call = claim ? send('POST', engine(`/user-tasks/${task.userTaskKey}/assignment`), { assignee: me, allowOverride: false }) : send('DELETE', engine(`/user-tasks/${task.userTaskKey}/assignee`));
    void call.then(() => userTasksPage(outlet)).catch((error: unknown) => showError(error, claim ? 'Claim failed' : 'Unclaim failed'));
  };
  show(holder, tasks.length === 0 ? h('p', { testid: 'user-tasks-empty' }, 'No user task is waiting.') : h('table', { testid: 'user-tasks-table' },
    h('thead', {}, h('tr', {}, ['Task', 'Order', 'Assignee', 'Created', ''].map((title) => h('th', {}, title)))),
    h('tbody', {}, tasks.map((task) => {
      const orderId = orderOfInstance.get(task.processInstanceKey);
      return h('tr', { testid: 'user-task-row', 'data-user-task-key': task.userTaskKey },
        h('td', {}, h('a', { href: link(`/user-tasks/${task.userTaskKey}`), testid: 'user-task-link' }, task.name ?? task.elementId)),
        h('td', {}, orderId ? h('a', { href: link(`/orders/${encodeURIComponent(orderId)}`) }, orderId) : task.processInstanceKey),
        h('td', { testid: 'user-task-assignee' }, task.assignee ?? '–'),
        h('td', {}, time(task.creationDate)),
        h('td', {}, mayAct() && (task.assignee
          ? h('button', { type: 'button', testid: 'user-task-unclaim', onclick: act(task, false) }, 'Unclaim')
          : h('button', { type: 'button', testid: 'user-task-claim', onclick: act(task, true) }, 'Claim'))),
      );
    })),
  ));
}
