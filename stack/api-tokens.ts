// Bearer tokens for the intake and operator APIs from the stack's engine (its client-credentials
// endpoint), one development client per role: what tests, benches and tools/demo send. A token is
// cached per role until a minute before it expires, so a bench does not pay a token request per call.
import { stackSettings, type ApiRole, type StackSettings } from './settings.ts';

export type { ApiRole } from './settings.ts';

interface CachedToken {
  readonly token: string;
  /** epoch ms after which a new token is fetched */
  readonly renewAt: number;
}

const RENEW_BEFORE_EXPIRY_MS = 60_000;
const cache = new Map<string, Promise<CachedToken>>();

/** The stack engine's token endpoint: the issuer whose JWKS the intake trusts (API_JWKS_URL). */
export function apiTokenUrl(settings: StackSettings = stackSettings()): string {
  return `http://127.0.0.1:${settings.ports.engineRest}/oauth/token`;
}

/** A bearer token of the stack's development client for this role (roles claim [role], aud API_TOKEN_AUDIENCE). */
export async function apiToken(role: ApiRole, settings: StackSettings = stackSettings()): Promise<string> {
  const client = settings.apiClients.find((candidate) => candidate.role === role);
  if (client === undefined) throw new Error(`the stack has no API client for role ${role}`);
  const url = apiTokenUrl(settings);
  const key = `${url} ${client.clientId}`;
  const cached = cache.get(key);
  if (cached !== undefined) {
    const held = await cached.catch(() => undefined);
    if (held !== undefined && Date.now() < held.renewAt) return held.token;
  }
  const fetching = requestToken(url, client.clientId, client.clientSecret, settings.config.API_TOKEN_AUDIENCE);
  cache.set(key, fetching);
  // a failed request is not remembered: the next call asks again
  fetching.catch(() => cache.delete(key));
  return (await fetching).token;
}

/** `{ authorization: 'Bearer …' }` for fetch/undici/autocannon headers. */
export async function apiAuthorization(role: ApiRole, settings?: StackSettings): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await apiToken(role, settings)}` };
}

/** Forget cached tokens (a test that restarted the engine with another signing key). */
export function forgetApiTokens(): void {
  cache.clear();
}

async function requestToken(url: string, clientId: string, clientSecret: string, audience: string): Promise<CachedToken> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience });
  const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) {
    // the engine's OAuth error body (error, error_description) never holds the secret
    throw new Error(`API token for ${clientId} from ${url}: HTTP ${response.status} ${await response.text().catch(() => '')}`);
  }
  const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== 'string') throw new Error(`API token for ${clientId} from ${url}: the answer holds no access_token`);
  const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000;
  return { token: body.access_token, renewAt: Date.now() + Math.max(lifetimeMs - RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 2) };
}
