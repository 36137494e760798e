// The operator console: the shell (who is signed in, the navigation, banners, progress) and the
// routes. Without a token every address shows the sign-in, which returns to it afterwards.
import { getJson, UNAUTHENTICATED_EVENT } from './api.ts';
import { clearBanner, showError } from './banner.ts';
import { h, show } from './dom.ts';
import { casePage, casesPage } from './pages/cases.ts';
import { incidentsPage } from './pages/incidents.ts';
import { orderPage } from './pages/order.ts';
import { ordersPage } from './pages/orders.ts';
import { signInPage } from './pages/sign-in.ts';
import { userTaskPage } from './pages/user-task.ts';
import { userTasksPage } from './pages/user-tasks.ts';
import { link, match, navigate, startRouter, type Route } from './router.ts';
import { currentCaller, remember, signOut, token, type Caller } from './session.ts';

const ROUTES: readonly Route[] = [
  { pattern: /^\/?$/, render: async () => navigate(link('/orders')) },
  { pattern: /^\/orders\/?$/, render: (_params, query, outlet) => ordersPage(outlet, query) },
  { pattern: /^\/orders\/([^/]+)$/, render: ([orderId = ''], _query, outlet) => orderPage(outlet, orderId) },
  { pattern: /^\/incidents\/?$/, render: (_params, _query, outlet) => incidentsPage(outlet) },
  { pattern: /^\/user-tasks\/?$/, render: (_params, _query, outlet) => userTasksPage(outlet) },
  { pattern: /^\/user-tasks\/(\d+)$/, render: ([userTaskKey = ''], _query, outlet) => userTaskPage(outlet, userTaskKey) },
  { pattern: /^\/cases\/?$/, render: (_params, query, outlet) => casesPage(outlet, query) },
  { pattern: /^\/cases\/([^/]+)$/, render: ([caseId = ''], _query, outlet) => casePage(outlet, caseId) },
];

const NAV: readonly { readonly path: string; readonly label: string; readonly testid: string }[] = [
  { path: '/orders', label: 'Orders', testid: 'nav-orders' },
  { path: '/incidents', label: 'Incidents', testid: 'nav-incidents' },
  { path: '/user-tasks', label: 'User tasks', testid: 'nav-user-tasks' },
  { path: '/cases', label: 'Reconciliation cases', testid: 'nav-cases' },
];

function renderShell(path: string): void {
  const nav = document.querySelector('[data-testid="nav"]');
  const who = document.querySelector('[data-testid="signed-in"]');
  const caller = currentCaller();
  if (nav) show(nav, caller ? NAV.map((item) => h('a', { href: link(item.path), testid: item.testid, class: path.startsWith(link(item.path)) ? 'current' : undefined }, item.label)) : []);
  if (who) {
    show(
      who,
      caller
        ? [
            h('span', { testid: 'signed-in-client' }, caller.displayName || caller.clientId),
            ' ',
            h('span', { testid: 'signed-in-roles', class: 'roles' }, caller.roles.join(', ') || 'no roles'),
            ' ',
            h('button', { type: 'button', testid: 'sign-out', onclick: () => { signOut(); navigate(link('/sign-in')); } }, 'Sign out'),
          ]
        : [],
    );
  }
}

async function render(path: string): Promise<void> {
  clearBanner();
  const outlet = document.querySelector<HTMLElement>('[data-testid="page"]');
  if (!outlet) return;
  if (!token() || path === link('/sign-in')) {
    renderShell(path);
    const back = path === link('/sign-in') ? (new URLSearchParams(location.search).get('return') ?? link('/orders')) : location.pathname + location.search;
    if (path !== link('/sign-in')) history.replaceState(null, '', `${link('/sign-in')}?return=${encodeURIComponent(back)}`);
    return signInPage(outlet, back);
  }
  if (!currentCaller()) {
    try {
      remember(await getJson<Caller>('/console/api/me'));
    } catch (error) {
      // a refused token: the unauthenticated handler has shown the sign-in already
      if (location.pathname === link('/sign-in')) return;
      signOut();
      showError(error, 'Please sign in again');
      history.replaceState(null, '', `${link('/sign-in')}?return=${encodeURIComponent(location.pathname + location.search)}`);
      renderShell(path);
      return signInPage(outlet, location.pathname + location.search);
    }
  }
  renderShell(path);
  const found = match(path);
  if (!found) {
    show(outlet, h('h1', {}, 'Not found'), h('p', {}, `${path} is no page of the console. `, h('a', { href: link('/orders') }, 'Orders')));
    return;
  }
  try {
    await found.route.render(found.params, new URLSearchParams(location.search), outlet);
  } catch (error) {
    showError(error);
  }
}

window.addEventListener(UNAUTHENTICATED_EVENT, () => {
  if (!token() || location.pathname === link('/sign-in')) return;
  signOut();
  navigate(`${link('/sign-in')}?return=${encodeURIComponent(location.pathname + location.search)}`);
  showError('your sign-in expired or was refused; please sign in again', 'Signed out');
});

startRouter(ROUTES, render);
void render(location.pathname);
