// The stack's genuine bearer tokens per role, kept fresh (they expire within minutes and a fuzz run
// takes several), or undefined when the stack's engine issues none.
import { apiToken } from '../../stack/api-tokens.ts';
import type { ApiTokens, Role } from './auth.ts';

const ROLES: readonly Role[] = ['intake', 'operator', 'viewer'];

export async function fetchTokens(): Promise<ApiTokens | { readonly error: string }> {
  try {
    const entries = await Promise.all(ROLES.map(async (role) => [role, await apiToken(role)] as const));
    return Object.fromEntries(entries) as Record<Role, string>;
  } catch (err) {
    return { error: (err as Error).message };
  }
}
