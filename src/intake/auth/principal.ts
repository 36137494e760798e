// Who is calling, as the bearer token says: read from the claims so that any OIDC provider's tokens
// work (roles in a configurable claim, as an array or a space-separated string, plus OAuth scopes).
import type { JWTPayload } from 'jose';

export interface Principal {
  /** the token's `sub` */
  readonly subject: string;
  /** the calling client (`client_id`, `azp`, else `sub`): what the intake's rate limit counts by */
  readonly clientId: string;
  /** who an operator decision is recorded as decided by: `preferred_username`, `name`, else `sub` */
  readonly displayName: string;
  readonly roles: ReadonlySet<string>;
}

export function principalFrom(claims: JWTPayload, rolesClaim: string): Principal {
  const subject = text(claims.sub) ?? '';
  const roles = new Set([...names(claims[rolesClaim]), ...names(claims.scope)]);
  return {
    subject,
    clientId: text(claims['client_id']) ?? text(claims['azp']) ?? subject,
    displayName: text(claims['preferred_username']) ?? text(claims['name']) ?? subject,
    roles,
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** A roles or scope claim: an array of strings or one space-separated string; anything else names nothing. */
function names(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  return [];
}
