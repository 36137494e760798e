// REST API v2 (8.8/8.9 shapes) over plain fetch, with the SDK's own auth headers for the configured
// strategy (none, OAuth client credentials, basic, bearer). Response types come from
// @camunda8/orchestration-cluster-api (Apache-2.0), which follows the 8.9 API.
import type { ElementInstanceResult, IncidentResult, ProcessDefinitionResult, ProcessInstanceResult, UserTaskResult, VariableSearchResult } from '@camunda8/orchestration-cluster-api';
import { CamundaEnvironmentConfigurator, constructOAuthProvider } from '@camunda8/sdk/dist/lib/index.js';
import { eventually } from './eventually.ts';

export interface RestResponse<T = unknown> {
  readonly status: number;
  readonly contentType: string;
  readonly body: T;
}

/** RFC 9457 problem document, as REST v2 answers errors. */
export interface ProblemDetail {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
}

export interface SearchResult<T> {
  readonly items: T[];
  readonly page: { readonly totalItems: number; readonly startCursor?: string | null; readonly endCursor?: string | null };
}

export interface SearchQuery {
  readonly filter?: Record<string, unknown>;
  readonly sort?: readonly { readonly field: string; readonly order?: 'ASC' | 'DESC' }[];
  readonly page?: { readonly from?: number; readonly limit?: number; readonly after?: string; readonly before?: string };
}

const config = CamundaEnvironmentConfigurator.mergeConfigWithEnvironment({});
const auth = constructOAuthProvider(config);

export function restBase(): string {
  const address = process.env['ZEEBE_REST_ADDRESS'] ?? config.ZEEBE_REST_ADDRESS;
  return `${address.replace(/\/+$/, '').replace(/\/v2$/, '')}/v2`;
}

/** The SDK's auth headers for the configured strategy (none for the local engine). */
export const authHeaders = async () => (await auth.getHeaders('ZEEBE')) as Record<string, string>;

export async function rest<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<RestResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json, text/xml', ...(await authHeaders()) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${restBase()}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const parsed = contentType.includes('json') && text ? (JSON.parse(text) as T) : (text as T);
  return { status: response.status, contentType, body: parsed };
}

/** Like rest(), but a non-2xx answer throws with the problem document in the message. */
export async function restOk<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await rest<T>(method, path, body);
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

export const search = <T>(resource: string, query: SearchQuery) => restOk<SearchResult<T>>('POST', `/${resource}/search`, query);

// ---- typed reads the tests share -----------------------------------------------------------------

export const processInstances = (filter: Record<string, unknown>, rest: Omit<SearchQuery, 'filter'> = {}) => search<ProcessInstanceResult>('process-instances', { filter, ...rest });
export const elementInstances = (filter: Record<string, unknown>, rest: Omit<SearchQuery, 'filter'> = {}) => search<ElementInstanceResult>('element-instances', { filter, ...rest });
export const incidents = (filter: Record<string, unknown>) => search<IncidentResult>('incidents', { filter });
export const userTasks = (filter: Record<string, unknown>) => search<UserTaskResult>('user-tasks', { filter });
export const processDefinitions = (filter: Record<string, unknown>) => search<ProcessDefinitionResult>('process-definitions', { filter });
export const variableRecords = (filter: Record<string, unknown>) => search<VariableSearchResult & { name: string; scopeKey: string; processInstanceKey: string }>('variables', { filter, page: { limit: 1000 } });

export type InstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

/** Waits until the process instance is in `state` and returns its record. */
export async function instanceReaches(processInstanceKey: string, state: InstanceState, timeoutMs = 15_000): Promise<ProcessInstanceResult> {
  const result = await eventually(
    () => processInstances({ processInstanceKey }),
    (found) => found.items[0]?.state === state,
    { timeoutMs, what: `process instance ${processInstanceKey} ${state}` },
  );
  return result.items[0]!;
}

/** The variables of one scope (the process instance's own scope by default), parsed. */
export async function scopeVariables(processInstanceKey: string, scopeKey: string = processInstanceKey): Promise<Record<string, unknown>> {
  const found = await variableRecords({ processInstanceKey, scopeKey });
  return Object.fromEntries(found.items.map((variable) => [variable.name, JSON.parse(variable.value) as unknown]));
}

/** Waits until the process-scope variables satisfy `accept`. */
export const variablesSatisfy = (processInstanceKey: string, accept: (variables: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
  eventually(() => scopeVariables(processInstanceKey), accept, { timeoutMs, what: `variables of ${processInstanceKey}` });

/** Waits for an element instance of `elementId` in `state` (any state when omitted). */
export async function elementReaches(processInstanceKey: string, elementId: string, state?: InstanceState, timeoutMs = 15_000): Promise<ElementInstanceResult> {
  const result = await eventually(
    () => elementInstances({ processInstanceKey, elementId }),
    (found) => found.items.some((item) => state === undefined || item.state === state),
    { timeoutMs, what: `element ${elementId} ${state ?? ''} in ${processInstanceKey}` },
  );
  return result.items.find((item) => state === undefined || item.state === state)!;
}

/** Waits for an active incident of the instance and returns it. */
export async function activeIncident(processInstanceKey: string, timeoutMs = 15_000): Promise<IncidentResult> {
  const result = await eventually(
    () => incidents({ processInstanceKey, state: 'ACTIVE' }),
    (found) => found.items.length > 0,
    { timeoutMs, what: `an active incident in ${processInstanceKey}` },
  );
  return result.items[0]!;
}

/** The ids of the instance's element instances that reached `state`, in start order. */
export async function elementIds(processInstanceKey: string, state?: InstanceState): Promise<string[]> {
  const found = await elementInstances({ processInstanceKey, ...(state ? { state } : {}) }, { sort: [{ field: 'startDate', order: 'ASC' }], page: { limit: 1000 } });
  return found.items.map((item) => item.elementId);
}
