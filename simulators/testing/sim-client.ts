// Test support: calls the simulated systems with the right credentials, and drives the
// control API. Used by the simulators' own tests; other suites may use it to arrange faults.
import type { SimulatorCredentials } from '../settings.ts';

export interface SimResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** parsed JSON, or the raw text when the body is not JSON */
  readonly body: T;
  readonly text: string;
}

/** Credentials the tests start the simulators with (not the defaults: injection is under test too). */
export const TEST_CREDENTIALS: SimulatorCredentials = {
  crmApiKey: 'test-crm-key',
  inventoryToken: 'test-inventory-token',
  provisioningUsername: 'test-farm',
  provisioningPassword: 'test-provisioning-password',
  billingToken: 'test-billing-token',
  notificationApiKey: 'test-notify-key',
  provisioningSigningSecret: 'test-provisioning-signing-secret',
};

/** The auth header(s) each system expects, for the given credentials. */
export function authHeaders(credentials: SimulatorCredentials = TEST_CREDENTIALS) {
  return {
    crm: { 'x-api-key': credentials.crmApiKey },
    inventory: { authorization: `Bearer ${credentials.inventoryToken}` },
    provisioning: { authorization: `Basic ${Buffer.from(`${credentials.provisioningUsername}:${credentials.provisioningPassword}`).toString('base64')}` },
    billing: { authorization: `Bearer ${credentials.billingToken}` },
    notification: { 'x-api-key': credentials.notificationApiKey },
  } as const;
}

export interface CallOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** sent as JSON unless it is a string (sent as is) */
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<SimResponse<T>> {
  const hasBody = options.body !== undefined;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: the raw text stays the body
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

/** The control API (/__sim). */
export function simControl(baseUrl: string) {
  return {
    addFault: (rule: unknown) => call(baseUrl, 'POST', '/__sim/faults', { body: rule }),
    clearFaults: () => call(baseUrl, 'DELETE', '/__sim/faults'),
    sideEffects: (filter: Readonly<Record<string, string>> = {}) => call<any[]>(baseUrl, 'GET', `/__sim/side-effects?${new URLSearchParams(filter).toString()}`).then((r) => r.body),
    reset: () => call(baseUrl, 'POST', '/__sim/reset'),
    /** the billing team fixes a refused BA-REJECT… account */
    makeBillingAccountEligible: (billingAccountId: string) => call(baseUrl, 'PUT', `/__sim/billing/eligible-accounts/${encodeURIComponent(billingAccountId)}`),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(25);
  }
}
