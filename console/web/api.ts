// The page's HTTP client: every call carries the bearer token, shows progress, and turns a problem
// document (RFC 9457) into an ApiError whose message a person can read.
import { tracked } from './progress.ts';
import { token } from './session.ts';

export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  constructor(status: number, problem: Problem | undefined, fallback: string) {
    const fields = problem?.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    super([problem?.title ?? fallback, problem?.detail, fields].filter(Boolean).join(' — '));
    this.status = status;
    this.problem = problem;
  }
}

/** raised when the intake refuses the token the page holds */
export const UNAUTHENTICATED_EVENT = 'console:unauthenticated';

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const bearer = token();
  const headers = new Headers(init.headers);
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await tracked(fetch(path, { ...init, headers }));
  } catch {
    throw new ApiError(0, undefined, `${init.method ?? 'GET'} ${path}: the intake did not answer (network error)`);
  }
  if (response.status === 401 && bearer) {
    // the token expired or was revoked: the shell asks for a sign-in and comes back here
    window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
  }
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? '';
    const problem = type.includes('json') ? ((await response.json().catch(() => undefined)) as Problem | undefined) : undefined;
    throw new ApiError(response.status, problem, `${init.method ?? 'GET'} ${path}: HTTP ${response.status}`);
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

/** a GET whose answer may be empty (204): undefined then */
export async function getOptionalJson<T>(path: string): Promise<T | undefined> {
  const text = await (await request(path)).text();
  return text === '' ? undefined : (JSON.parse(text) as T);
}

export async function getText(path: string): Promise<string> {
  return (await request(path)).text();
}

export async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T | undefined> {
  const response = await request(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return text === '' ? undefined : (JSON.parse(text) as T);
}

/** the engine's REST v2 through the intake's allow-listed proxy */
export const engine = (path: string): string => `/console/api/engine/v2${path}`;

export interface Page<T> {
  readonly items: readonly T[];
  readonly page?: { readonly totalItems?: number };
}

/** One page of an engine search; `newestBy` sorts it newest first, so a long history never hides what just happened. */
export const search = <T>(resource: string, filter: Record<string, unknown>, opts: { readonly newestBy?: string; readonly limit?: number } = {}): Promise<T[]> =>
  send<Page<T>>('POST', engine(`/${resource}/search`), {
    filter,
    page: { limit: opts.limit ?? 1000 },
    ...(opts.newestBy ? { sort: [{ field: opts.newestBy, order: 'DESC' }] } : {}),
  }).then((page) => [...(page?.items ?? [])]);
