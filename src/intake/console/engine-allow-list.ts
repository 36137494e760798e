// The engine REST v2 calls the console may make through the intake, and the roles each needs:
// viewers read and search; operators also claim, unclaim and complete user tasks and resolve
// incidents. Anything not listed (deployments, cancellation, messages, clock, job commands) is
// refused: the proxy lends the farm's engine credentials, so it must never become an open door.
export type EngineCallAccess =
  | { readonly kind: 'allowed'; readonly roles: readonly string[] }
  | { readonly kind: 'not-allowed' };

const READERS = ['operator', 'viewer'] as const;
const OPERATORS = ['operator'] as const;
/** engine keys are decimal numbers (as strings in REST v2) */
const KEY = '\\d{1,20}';

interface AllowedCall {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: RegExp;
  readonly roles: readonly string[];
}

const call = (method: AllowedCall['method'], pattern: string, roles: readonly string[]): AllowedCall => ({ method, path: new RegExp(`^${pattern.replaceAll(':key', KEY)}$`), roles });

export const ENGINE_ALLOW_LIST: readonly AllowedCall[] = [
  // searches (POST with a filter body; they change nothing)
  call('POST', '/process-instances/search', READERS),
  call('POST', '/process-definitions/search', READERS),
  call('POST', '/element-instances/search', READERS),
  call('POST', '/incidents/search', READERS),
  call('POST', '/user-tasks/search', READERS),
  call('POST', '/variables/search', READERS),
  call('POST', '/process-instances/:key/incidents/search', READERS),
  // single items
  call('GET', '/process-instances/:key', READERS),
  call('GET', '/process-definitions/:key', READERS),
  call('GET', '/process-definitions/:key/xml', READERS),
  call('GET', '/element-instances/:key', READERS),
  call('GET', '/incidents/:key', READERS),
  call('GET', '/user-tasks/:key', READERS),
  call('GET', '/user-tasks/:key/form', READERS),
  call('GET', '/variables/:key', READERS),
  // what an operator does
  call('POST', '/user-tasks/:key/assignment', OPERATORS),
  call('DELETE', '/user-tasks/:key/assignee', OPERATORS),
  call('POST', '/user-tasks/:key/completion', OPERATORS),
  call('POST', '/incidents/:key/resolution', OPERATORS),
];

/** `enginePath` is the part after /v2, without the query string. */
export function engineCallAccess(method: string, enginePath: string): EngineCallAccess {
  const found = ENGINE_ALLOW_LIST.find((allowed) => allowed.method === method && allowed.path.test(enginePath));
  return found === undefined ? { kind: 'not-allowed' } : { kind: 'allowed', roles: found.roles };
}
