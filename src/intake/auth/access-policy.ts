// Which roles may call which intake route. Decided by method and route pattern, and closed by
// default: a route not named here needs the operator role, so a new operator-style action is never
// left open by accident. Provider callbacks carry HMAC signatures instead (callback-routes.ts);
// probes and scrapes stay open.
export type Access = { readonly kind: 'open' } | { readonly kind: 'roles'; readonly anyOf: readonly string[] };

const OPEN: Access = { kind: 'open' };
const roles = (...anyOf: string[]): Access => ({ kind: 'roles', anyOf });

/** `routePattern` is fastify's route url (`/orders/:orderId`), undefined for a request no route matched. */
export function accessFor(method: string, routePattern: string | undefined): Access {
  // no route: the 404 problem says so, whoever asks
  if (routePattern === undefined) return OPEN;
  if (routePattern === '/metrics' || routePattern.startsWith('/health/') || routePattern.startsWith('/callbacks/')) return OPEN;
  // the console: its page and sign-in are open; its engine proxy checks each call's role itself
  if (routePattern.startsWith('/console/api/engine/')) return roles('operator', 'viewer');
  if (routePattern === '/console/api/me') return roles('intake', 'operator', 'viewer');
  if (routePattern === '/console' || routePattern.startsWith('/console/')) return OPEN;
  const reads = method === 'GET' || method === 'HEAD';
  if (routePattern === '/orders') return method === 'POST' ? roles('intake') : reads ? roles('intake', 'operator', 'viewer') : roles('operator');
  if (routePattern.startsWith('/orders/')) return reads ? roles('intake', 'operator', 'viewer') : roles('operator');
  if (routePattern.startsWith('/operator/') && reads) return roles('operator', 'viewer');
  return roles('operator');
}
