// Counts PostgreSQL round trips at the pg driver, as bench/support/job-probe.ts does for jobs:
// every statement any pg client of this process sends (slonik's included, BEGIN/COMMIT too)
// while `counted` runs, and only the statements of its own async context, so other work in the
// process does not add to it. Work that leaves the caller's async context (a request injected
// into an HTTP server) is counted with `countedInProcess`: every statement of the process while it
// runs, for a test process doing nothing else meanwhile.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

export interface Counted<T> {
  readonly value: T;
  /** the statements sent, first words only, in order */
  readonly statements: readonly string[];
}

const scope = new AsyncLocalStorage<string[]>();
let installed = false;
let inProcess: string[] | undefined;

function install(): void {
  if (installed) return;
  installed = true;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    (scope.getStore() ?? inProcess)?.push(statementHead(args[0]));
    return original.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** Runs `work` and returns what it returned with the statements it sent. */
export async function counted<T>(work: () => Promise<T>): Promise<Counted<T>> {
  install();
  const statements: string[] = [];
  const value = await scope.run(statements, work);
  return { value, statements };
}

/** Runs `work` and returns what it returned with every statement the process sent meanwhile. */
export async function countedInProcess<T>(work: () => Promise<T>): Promise<Counted<T>> {
  install();
  const statements: string[] = [];
  inProcess = statements;
  try {
    return { value: await work(), statements };
  } finally {
    inProcess = undefined;
  }
}

function statementHead(query: unknown): string {
  const text = typeof query === 'string' ? query : typeof (query as { text?: unknown } | null)?.text === 'string' ? (query as { text: string }).text : '?';
  return text.replace(/\s+/g, ' ').trim().slice(0, 60);
}
