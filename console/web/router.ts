// A tiny router over the History API: every page has its own /console/... address (bookmarkable,
// reloadable: the intake answers index.html for it), links are followed without a reload.
export interface Route {
  readonly pattern: RegExp;
  readonly render: (params: readonly string[], query: URLSearchParams, outlet: HTMLElement) => Promise<void>;
}

export const BASE = '/console';
let routes: readonly Route[] = [];
let onChange: (path: string) => Promise<void> = async () => {};

export function startRouter(table: readonly Route[], render: (path: string) => Promise<void>): void {
  routes = table;
  onChange = render;
  window.addEventListener('popstate', () => void onChange(location.pathname));
  // same-origin links under /console/ are the page's own
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest('a');
    if (!link || link.target || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(`${BASE}/`)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

export function navigate(to: string): void {
  history.pushState(null, '', to);
  void onChange(location.pathname);
}

export function match(path: string): { route: Route; params: string[] } | undefined {
  const local = path.startsWith(BASE) ? path.slice(BASE.length) || '/' : path;
  for (const route of routes) {
    const found = route.pattern.exec(local);
    if (found) return { route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return undefined;
}

export const link = (path: string): string => `${BASE}${path}`;
