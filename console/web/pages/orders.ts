// Orders: the farm's list (GET /operator/orders) with its views (in progress, fallout,
// reconciliation open) and search by order id; the incident and waiting-for-a-person views are the
// engine's knowledge, matched to orders by process instance key.
import { h, show, time } from '../dom.ts';
import { activeIncidents, listOrders, openUserTasks, type OrderListEntry } from '../farm.ts';
import { link, navigate } from '../router.ts';

const VIEWS: readonly { readonly view: string; readonly label: string }[] = [
  { view: '', label: 'All' },
  { view: 'in-progress', label: 'In progress' },
  { view: 'fallout', label: 'Fallout' },
  { view: 'incidents', label: 'Incidents' },
  { view: 'waiting', label: 'Waiting for a person' },
  { view: 'reconciliation-open', label: 'Reconciliation open' },
];
/** views the engine answers: the farm's list is filtered by the instances it names */
const ENGINE_VIEWS = new Set(['incidents', 'waiting']);
const LIMIT = 200;

export async function ordersPage(outlet: HTMLElement, query: URLSearchParams): Promise<void> {
  const view = query.get('view') ?? '';
  const q = query.get('q') ?? '';
  const searchBox = h('input', { type: 'search', name: 'q', value: q, placeholder: 'order id', testid: 'orders-search', 'aria-label': 'search by order id' });
  const tableHolder = h('div', { class: 'table-holder', testid: 'orders-table-holder' }, h('p', { class: 'loading' }, 'Loading orders…'));
  show(
    outlet,
    h('h1', {}, 'Orders'),
    h('div', { class: 'filters', testid: 'orders-filters' },
      VIEWS.map((entry) => h('a', { href: link(`/orders${addressOf(entry.view, q)}`), class: entry.view === view ? 'chip current' : 'chip', testid: `orders-filter-${entry.view || 'all'}` }, entry.label)),
      h('form', { class: 'search', onsubmit: (event: Event) => { event.preventDefault(); navigate(link(`/orders${addressOf(view, searchBox.value.trim())}`)); } }, searchBox, h('button', { type: 'submit', testid: 'orders-search-submit' }, 'Search')),
    ),
    tableHolder,
  );
  const farmQuery = new URLSearchParams({ limit: String(LIMIT) });
  if (view !== '' && !ENGINE_VIEWS.has(view)) farmQuery.set('view', view);
  if (q !== '') farmQuery.set('q', q);
  const cursor = query.get('cursor');
  if (cursor) farmQuery.set('cursor', cursor);
  const list = await listOrders(farmQuery);
  // only the listed orders' instances: the engine may hold many others (other processes, tests)
  const keys = list.orders.flatMap((order) => (order.processInstanceKey === null ? [] : [order.processInstanceKey]));
  const ofListed = { processInstanceKey: { $in: keys } };
  const [incidents, tasks] = keys.length === 0 ? [[], []] : await Promise.all([activeIncidents(ofListed), openUserTasks(ofListed)]);
  const withIncident = new Set(incidents.map((incident) => incident.processInstanceKey));
  const waiting = new Set(tasks.map((task) => task.processInstanceKey));
  const orders = list.orders.filter((order) => (view === 'incidents' ? has(withIncident, order) : view === 'waiting' ? has(waiting, order) : true));
  show(tableHolder,
    ENGINE_VIEWS.has(view) && h('p', { class: 'hint' }, `Among ${cursor ? 'these' : `the ${LIMIT} newest`} orders${q ? ' matching the search' : ''}.`),
    orders.length === 0 ? h('p', { testid: 'orders-empty' }, 'No orders match.') : ordersTable(orders, withIncident, waiting),
    h('p', { class: 'pager' },
      cursor && h('a', { href: link(`/orders${addressOf(view, q)}`), testid: 'orders-first-page' }, 'Newest'),
      list.nextCursor && h('a', { href: link(`/orders${addressOf(view, q, list.nextCursor)}`), testid: 'orders-next-page' }, `Older ${LIMIT} →`),
    ),
  );
}

const has = (keys: ReadonlySet<string>, order: OrderListEntry): boolean => order.processInstanceKey !== null && keys.has(order.processInstanceKey);

function addressOf(view: string, q: string, cursor?: string): string {
  const params = new URLSearchParams();
  if (view) params.set('view', view);
  if (q) params.set('q', q);
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function ordersTable(orders: readonly OrderListEntry[], withIncident: ReadonlySet<string>, waiting: ReadonlySet<string>): HTMLElement {
  return h('table', { testid: 'orders-table' },
    // customer and created make way on a phone (CSS: .wide-only)
    h('thead', {}, h('tr', {}, ['Order', 'State', 'Customer', 'Flags', 'Created', 'Updated'].map((title) => h('th', { class: title === 'Customer' || title === 'Created' ? 'wide-only' : undefined }, title)))),
    h('tbody', {}, orders.map((order) =>
      h('tr', { testid: 'order-row', 'data-order-id': order.orderId },
        h('td', {}, h('a', { href: link(`/orders/${encodeURIComponent(order.orderId)}`), testid: 'order-link' }, order.orderId)),
        h('td', {}, h('span', { class: `state state-${order.status.toLowerCase()}`, testid: 'order-state' }, order.status)),
        h('td', { class: 'wide-only' }, order.customerAccountId),
        h('td', { class: 'flags' },
          order.fallout && h('span', { class: 'flag fallout' }, 'fallout'),
          has(withIncident, order) && h('span', { class: 'flag incident', testid: 'order-flag-incident' }, 'incident'),
          has(waiting, order) && h('span', { class: 'flag waiting', testid: 'order-flag-waiting' }, 'waiting for a person'),
          order.openCaseCount > 0 && h('span', { class: 'flag case' }, `${order.openCaseCount} open case${order.openCaseCount === 1 ? '' : 's'}`),
        ),
        h('td', { class: 'wide-only' }, time(order.createdAt)),
        h('td', {}, time(order.updatedAt)),
      ),
    )),
  );
}
