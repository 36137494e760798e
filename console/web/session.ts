// Who is signed in: the bearer token lives in sessionStorage (gone with the tab), the caller's name
// and roles come from the intake (GET /console/api/me), which checked the token.
const TOKEN_KEY = 'console.token';

export interface Caller {
  readonly clientId: string;
  readonly displayName: string;
  readonly roles: readonly string[];
}

let caller: Caller | undefined;

export const token = (): string | null => sessionStorage.getItem(TOKEN_KEY);

export function signIn(bearer: string, who: Caller): void {
  sessionStorage.setItem(TOKEN_KEY, bearer);
  caller = who;
}

export function remember(who: Caller): void {
  caller = who;
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  caller = undefined;
}

export const currentCaller = (): Caller | undefined => caller;
export const hasRole = (role: string): boolean => caller?.roles.includes(role) ?? false;
/** operators act (claim, complete, retry); viewers only look */
export const mayAct = (): boolean => hasRole('operator');
