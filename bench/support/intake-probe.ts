// PostgreSQL round trips of the order intake and the provisioning callback, which run in the bench
// process (the harness's intake server): every HTTP request this process serves opens an
// AsyncLocalStorage entry named after its route, and every query any pg client of this process
// sends (slonik's included) counts to the entry it runs in — or to "background" (the inbox retries,
// pool upkeep) outside any request. Nothing of this is in the intake's code.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import pg from 'pg';

export type Route = 'intake' | 'callback' | 'other';
type Bucket = Route | 'background';

interface Tally {
  requests: Record<Route, number>;
  queries: Record<Bucket, number>;
  statements: Record<Bucket, Record<string, number>>;
}

const fresh = (): Tally => ({
  requests: { intake: 0, callback: 0, other: 0 },
  queries: { intake: 0, callback: 0, other: 0, background: 0 },
  statements: { intake: {}, callback: {}, other: {}, background: {} },
});

const routeOf = (url: string | undefined): Route => (url?.startsWith('/orders') ? 'intake' : url?.startsWith('/callbacks/') ? 'callback' : 'other');

export class IntakeProbe {
  private readonly current = new AsyncLocalStorage<Route>();
  private tally = fresh();

  /** Installs the hooks (once, before the harness starts serving). */
  install(): this {
    const probe = this;
    const emit = http.Server.prototype.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
    http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event !== 'request') return emit.call(this, event, ...args);
      const route = routeOf((args[0] as http.IncomingMessage).url);
      probe.tally.requests[route]++;
      return probe.current.run(route, () => emit.call(this, event, ...args));
    } as typeof http.Server.prototype.emit;
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const bucket: Bucket = probe.current.getStore() ?? 'background';
      probe.tally.queries[bucket]++;
      const head = statementHead(args[0]);
      const heads = probe.tally.statements[bucket];
      heads[head] = (heads[head] ?? 0) + 1;
      return query.apply(this, args);
    } as typeof pg.Client.prototype.query;
    return this;
  }

  /** What was counted since the previous take. */
  take(): Tally {
    const out = this.tally;
    this.tally = fresh();
    return out;
  }
}

/** The first words of a statement (no values: those are parameters). */
export function statementHead(query: unknown): string {
  const text = typeof query === 'string' ? query : typeof (query as { text?: unknown } | null)?.text === 'string' ? (query as { text: string }).text : '?';
  return text.replace(/\s+/g, ' ').trim().slice(0, 70);
}
