// Authorization headers for the fuzz: the stack's real bearer tokens per role (when the intake checks
// them), and forged ones — no token, other schemes, garbage, a real token with its signature
// tampered with, unsigned (alg "none") and self-signed tokens claiming every role.
import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';

export type Role = 'intake' | 'operator' | 'viewer';
export type ApiTokens = Readonly<Record<Role, string>>;

export type AuthCase =
  | { readonly kind: 'role'; readonly role: Role }
  | { readonly kind: 'none' }
  | { readonly kind: 'garbage'; readonly value: string }
  | { readonly kind: 'tampered'; readonly role: Role; readonly at: number }
  | { readonly kind: 'forged'; readonly alg: 'none' | 'HS256'; readonly roles: readonly string[] }
  | { readonly kind: 'scheme'; readonly scheme: string; readonly role: Role };

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

function forge(alg: 'none' | 'HS256', roles: readonly string[]): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const claims = b64url(JSON.stringify({ sub: 'fuzz', iss: 'local-engine', aud: 'fulfillment-api', roles, scope: roles.join(' '), iat: now, exp: now + 600 }));
  if (alg === 'none') return `${head}.${claims}.`;
  return `${head}.${claims}.${createHmac('sha256', randomBytes(32)).update(`${head}.${claims}`).digest('base64url')}`;
}

/** The Authorization header for a case (undefined: none sent). */
export function authorization(c: AuthCase, tokens: ApiTokens | undefined): string | undefined {
  const token = (role: Role) => tokens?.[role] ?? forge('HS256', [role]);
  switch (c.kind) {
    case 'role':
      return tokens ? `Bearer ${token(c.role)}` : undefined;
    case 'none':
      return undefined;
    case 'garbage':
      return c.value;
    case 'tampered': {
      const t = token(c.role);
      const sig = t.lastIndexOf('.') + 1;
      const i = sig + (c.at % Math.max(1, t.length - sig));
      return `Bearer ${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
    }
    case 'forged':
      return `Bearer ${forge(c.alg, c.roles)}`;
    case 'scheme':
      return `${c.scheme} ${token(c.role)}`;
  }
}

/** Whether the case carries a genuine token of `role` (what the intake must accept when it checks tokens). */
export const genuine = (c: AuthCase, roles: readonly Role[]): boolean => (c.kind === 'role' && roles.includes(c.role)) || (c.kind === 'scheme' && /^bearer$/i.test(c.scheme) && roles.includes(c.role));

const role = fc.constantFrom<Role>('intake', 'operator', 'viewer');

/** Mostly bad authorization, with genuine tokens of every role among them. */
export const authCase: fc.Arbitrary<AuthCase> = fc.oneof(
  role.map((r) => ({ kind: 'role', role: r }) as const),
  fc.constant({ kind: 'none' } as const),
  fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'Bearer null', 'Basic ZmFybTpmYXJt', 'bearer x.y.z', 'Bearer a.b', 'Bearer ....'), fc.string({ maxLength: 60 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s))).map((value) => ({ kind: 'garbage', value }) as const),
  fc.record({ role, at: fc.nat() }).map((x) => ({ kind: 'tampered', ...x }) as const),
  fc.record({ alg: fc.constantFrom<'none' | 'HS256'>('none', 'HS256'), roles: fc.subarray(['intake', 'operator', 'viewer', 'admin']) }).map((x) => ({ kind: 'forged', ...x }) as const),
  fc.record({ scheme: fc.constantFrom('bearer', 'BEARER', 'Token', 'JWT', 'Basic'), role }).map((x) => ({ kind: 'scheme', ...x }) as const),
);

/** The header map with Authorization set (or left out) for the case. */
export function withAuth(headers: Record<string, string>, c: AuthCase, tokens: ApiTokens | undefined): Record<string, string> {
  const value = authorization(c, tokens);
  return value === undefined ? headers : { ...headers, authorization: value };
}

/** Mostly a genuine token of one of the roles (so the input reaches what is behind the check), sometimes any case above. */
export const mostlyGenuine = (roles: readonly Role[]): fc.Arbitrary<AuthCase> =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...roles).map((r) => ({ kind: 'role', role: r }) as const) }, { weight: 1, arbitrary: authCase });
