// Where a farm job's time goes, measured from outside the farm: the bench hands the farm a job
// observer, adapters and an engine client wrapped here, and counts PostgreSQL round trips at the pg
// driver. Each job's measurements live in an AsyncLocalStorage entered when the runtime reports the
// job activated, so everything the job awaits afterwards adds to its own entry. Nothing of this is
// in the farm's code: a farm without the bench pays nothing for it.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { JobObserver } from '../../src/worker-runtime/execute-job.ts';
import type { JobSample } from './protocol.ts';

interface JobTiming {
  readonly type: string;
  adapterMs: number;
  engineMs: number;
  dbMs: number;
  queries: number;
}

/** The engine commands a job can make (the SDK client's methods the farm calls). */
const ENGINE_COMMANDS = new Set(['completeJob', 'failJob', 'throwError', 'publishMessage']);

type Outcome = Parameters<JobObserver['decided']>[1];

const SAME: Readonly<Record<string, string>> = { completed: 'complete', bpmn_error: 'bpmn-error', failed: 'fail' };

/** The observer's outcome as complete / bpmn-error / fail / incident, whichever spelling the runtime uses. */
export const outcomeKind = (o: Outcome): string => {
  const kind = typeof o === 'string' ? o : (o as { kind: string }).kind;
  return SAME[kind] ?? kind;
};

export class JobProbe {
  private readonly current = new AsyncLocalStorage<JobTiming>();
  private samples: JobSample[] = [];
  private outside = 0;
  /** job type → statement (its first words) → times sent */
  private statements = new Map<string, Map<string, number>>();

  /** Reports each decided job to `onDecided` too (the replica's counters). */
  observer(onDecided: (type: string, outcome: string) => void): JobObserver {
    return {
      activated: (type: string) => {
        // the rest of executeJob (and all it awaits) runs with this job's entry
        this.current.enterWith({ type, adapterMs: 0, engineMs: 0, dbMs: 0, queries: 0 });
      },
      decided: (type: string, outcome: Outcome, totalMs: number) => {
        const t = this.current.getStore();
        const kind = outcomeKind(outcome);
        if (t) this.samples.push({ type, outcome: kind, totalMs, adapterMs: t.adapterMs, engineMs: t.engineMs, dbMs: t.dbMs, queries: t.queries });
        onDecided(type, kind);
      },
    };
  }

  /** The adapters, each method timed into the job that calls it. */
  timedPorts<P extends object>(ports: P): P {
    const wrapped: Record<string, unknown> = {};
    for (const [name, port] of Object.entries(ports)) {
      wrapped[name] = port !== null && typeof port === 'object' ? this.timed(port as object, () => true, 'adapterMs') : port;
    }
    return wrapped as P;
  }

  /** The gateway channel (or any client with the same commands), its engine commands timed into the job that makes them. */
  timedEngine<C extends object>(commands: C): C {
    return this.timed(commands, (name) => ENGINE_COMMANDS.has(name), 'engineMs');
  }

  /** Counts every query any pg client of this process sends (slonik's included), per job. */
  countQueries(): void {
    const probe = this;
    const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const t = probe.current.getStore();
      if (!t) {
        probe.outside++;
        return original.apply(this, args);
      }
      t.queries++;
      const perType = probe.statements.get(t.type) ?? new Map<string, number>();
      probe.statements.set(t.type, perType);
      const head = statementHead(args[0]);
      perType.set(head, (perType.get(head) ?? 0) + 1);
      const started = performance.now();
      const result = original.apply(this, args);
      if (result instanceof Promise) return result.finally(() => (t.dbMs += performance.now() - started));
      return result;
    } as typeof pg.Client.prototype.query;
  }

  /** The samples so far (and forgets them), the statements jobs sent, and the queries made outside any job. */
  take(): { samples: JobSample[]; statements: Record<string, Record<string, number>>; queriesOutsideJobs: number } {
    const statements = Object.fromEntries([...this.statements].map(([type, m]) => [type, Object.fromEntries(m)]));
    const out = { samples: this.samples, statements, queriesOutsideJobs: this.outside };
    this.samples = [];
    this.statements = new Map();
    this.outside = 0;
    return out;
  }

  private timed<T extends object>(target: T, measured: (name: string) => boolean, field: 'adapterMs' | 'engineMs'): T {
    const current = this.current;
    return new Proxy(target, {
      get(obj, prop, receiver) {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => unknown;
        if (typeof prop !== 'string' || !measured(prop)) return fn.bind(obj);
        return (...args: unknown[]) => {
          const t = current.getStore();
          const started = performance.now();
          const result = fn.apply(obj, args);
          if (!t || !(result instanceof Promise)) return result;
          return result.finally(() => (t[field] += performance.now() - started));
        };
      },
    });
  }
}

/** The first words of a statement, enough to tell the ledger's from the outbox's (no values: those are parameters). */
function statementHead(query: unknown): string {
  const text = typeof query === 'string' ? query : typeof (query as { text?: unknown } | null)?.text === 'string' ? (query as { text: string }).text : '?';
  return text.replace(/\s+/g, ' ').trim().slice(0, 70);
}
