// Session login for clusters that put REST v2, Operate and Tasklist behind one form login (the
// local stack): a POST to the login URL returns session cookies and a CSRF token, and every
// state-changing request must carry both. The SDK's cookie provider keeps only the first cookie
// and no token, so searches would be refused (403); this provider keeps all of it.
import type { Config } from './config.ts';

export interface SessionHeaders {
  [header: string]: string;
  cookie: string;
  'x-csrf-token': string;
}

export class CamundaSessionError extends Error {
  override readonly name = 'CamundaSessionError';
}

export class CamundaSession {
  /** Sessions idle out on the server; log in again well before that. */
  static readonly maxAgeMs = 10 * 60_000;
  private current: { headers: SessionHeaders; at: number } | undefined;
  private pending: Promise<SessionHeaders> | undefined;

  private readonly config: Pick<Config, 'CAMUNDA_COOKIE_AUTH_URL' | 'CAMUNDA_COOKIE_AUTH_USERNAME' | 'CAMUNDA_COOKIE_AUTH_PASSWORD'>;

  constructor(config: Pick<Config, 'CAMUNDA_COOKIE_AUTH_URL' | 'CAMUNDA_COOKIE_AUTH_USERNAME' | 'CAMUNDA_COOKIE_AUTH_PASSWORD'>) {
    this.config = config;
  }

  /** IHeadersProvider of the SDK: the same headers whatever the audience. */
  async getHeaders(): Promise<SessionHeaders> {
    if (this.current && Date.now() - this.current.at < CamundaSession.maxAgeMs) return this.current.headers;
    this.pending ??= this.login().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the session, e.g. after a 401: the next call logs in again. */
  invalidate(): void {
    this.current = undefined;
  }

  private async login(): Promise<SessionHeaders> {
    const form = new URLSearchParams({ username: this.config.CAMUNDA_COOKIE_AUTH_USERNAME, password: this.config.CAMUNDA_COOKIE_AUTH_PASSWORD });
    let res: Response;
    try {
      res = await fetch(`${this.config.CAMUNDA_COOKIE_AUTH_URL}?${form}`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    } catch (err) {
      throw new CamundaSessionError(`login at ${this.config.CAMUNDA_COOKIE_AUTH_URL} failed: ${(err as Error).message}`);
    }
    if (res.status !== 204 && res.status !== 200) {
      throw new CamundaSessionError(`login at ${this.config.CAMUNDA_COOKIE_AUTH_URL} answered HTTP ${res.status} (check CAMUNDA_COOKIE_AUTH_USERNAME / CAMUNDA_COOKIE_AUTH_PASSWORD)`);
    }
    const headers: SessionHeaders = {
      cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '),
      'x-csrf-token': res.headers.get('x-csrf-token') ?? '',
    };
    this.current = { headers, at: Date.now() };
    return headers;
  }
}
