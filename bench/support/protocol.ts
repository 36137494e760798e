// What a bench replica (a child process) and the bench (its parent) say to each other over IPC.

/** Jobs one replica finished, per job type (unsuffixed) and per what the engine was told. */
export type JobCounts = Record<string, Record<string, number>>;

/** Where one job's time went, measured inside a replica started with --observe. */
export interface JobSample {
  readonly type: string;
  readonly outcome: string;
  /** from activation in the runtime to the engine's answer to the job's command */
  readonly totalMs: number;
  /** inside the adapters (the external system's HTTP exchange, mapping included) */
  readonly adapterMs: number;
  /** the engine commands of the job (complete / fail / throw error / publish message) */
  readonly engineMs: number;
  /** PostgreSQL round trips of the job and the time spent waiting for them */
  readonly queries: number;
  readonly dbMs: number;
}

export type ReplicaMessage =
  | { readonly kind: 'ready'; readonly pid: number; readonly jobTypes: readonly string[] }
  | {
      readonly kind: 'stats';
      readonly pid: number;
      readonly jobs: JobCounts;
      /** final jobs of an order (order.record-status.v1) completed */
      readonly finished: number;
      /** when the latest of them completed (epoch ms), so a bench times its last order exactly */
      readonly lastFinishedAt: number;
      readonly rss: number;
      readonly heapUsed: number;
    }
  | {
      readonly kind: 'window';
      readonly pid: number;
      readonly finished: number;
      readonly jobs: JobCounts;
      /** process.cpuUsage() since the replica started (microseconds) */
      readonly cpuUserUs: number;
      readonly cpuSystemUs: number;
      /** the event loop's delay since the previous window (then reset): ms beyond the sampling interval */
      readonly eventLoop: EventLoopDelay;
      /** the event side: whether this replica's relay is the publisher, and what it published so far */
      readonly relay: { readonly leader: boolean; readonly published: number } | null;
    }
  | {
      readonly kind: 'samples';
      readonly samples: readonly JobSample[];
      /** job type → the statement's first words → times the jobs of the type sent it */
      readonly statements: Readonly<Record<string, Readonly<Record<string, number>>>>;
      readonly queriesOutsideJobs: number;
    };

export type ParentMessage = { readonly kind: 'samples' } | { readonly kind: 'window' };

/** perf_hooks.monitorEventLoopDelay over a window, in ms (the lateness of a 10 ms timer). */
export interface EventLoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly samples: number;
}

/** The last job of a fulfilled order: its completion is the order's completion, for both sides. */
export const FINAL_JOB_TYPE = 'order.record-status.v1';

export function countJob(counts: JobCounts, type: string, outcome: string): void {
  const perType = (counts[type] ??= {});
  perType[outcome] = (perType[outcome] ?? 0) + 1;
}

export const totalJobs = (counts: JobCounts): number => Object.values(counts).reduce((n, per) => n + Object.values(per).reduce((a, b) => a + b, 0), 0);
