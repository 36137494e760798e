// The credential checks of the simulated systems. Each system has its own scheme on purpose, so
// the adapters' credential handling is exercised the way the real systems will exercise it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface AuthScheme {
  readonly verify: (headers: IncomingHttpHeaders) => boolean;
  /** WWW-Authenticate value sent with a 401, when the scheme has one */
  readonly challenge?: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Constant-time comparison (hashing first makes the lengths equal). */
function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function apiKeyAuth(headerName: string, expectedKey: string): AuthScheme {
  return { verify: (headers) => secretEquals(header(headers, headerName) ?? '', expectedKey) };
}

export function bearerAuth(expectedToken: string, realm: string): AuthScheme {
  return {
    verify: (headers) => {
      const match = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '');
      return match?.[1] !== undefined && secretEquals(match[1].trim(), expectedToken);
    },
    challenge: `Bearer realm="${realm}"`,
  };
}

export function basicAuth(expectedUsername: string, expectedPassword: string, realm: string): AuthScheme {
  return {
    verify: (headers) => {
      const match = /^Basic\s+(.+)$/i.exec(header(headers, 'authorization') ?? '');
      if (match?.[1] === undefined) return false;
      const decoded = Buffer.from(match[1].trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // both halves are compared, always, so a wrong user name takes as long as a wrong password
      const userOk = secretEquals(decoded.slice(0, colon), expectedUsername);
      const passwordOk = secretEquals(decoded.slice(colon + 1), expectedPassword);
      return userOk && passwordOk;
    },
    challenge: `Basic realm="${realm}"`,
  };
}
