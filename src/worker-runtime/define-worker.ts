// A worker module is a table row: job type, zod schemas of what it reads and writes, the BPMN
// errors it may throw, and one handler that calls one application service.
import type { z } from 'zod';
import type { Logger } from '../platform/logger.ts';
import type { JobRef } from '../core/ports/job.ts';
import type { EngineAction } from '../core/ports/engine-action.ts';

/** The job as the runtime hands it to a handler (the core's JobRef: one shape, owned by the core). */
export type JobInfo = JobRef;

export interface JobContext<V, H, S> {
  readonly variables: V;
  readonly headers: H;
  readonly job: JobInfo;
  readonly log: Logger;
  readonly services: S;
}

export interface WorkerDefinition<V extends z.ZodType, H extends z.ZodType, O extends z.ZodType, S> {
  readonly type: string;
  readonly description: string;
  readonly variables: V;
  readonly headers?: H;
  /** variables a completion sets; checked before they reach the engine */
  readonly output: O;
  /** BPMN error codes the handler may throw (read by the contracts check) */
  readonly bpmnErrors: readonly string[];
  /** job timeout; the ledger's lease on an external call must end before it */
  readonly timeoutMs?: number;
  handle(ctx: JobContext<z.infer<V>, z.infer<H>, S>): Promise<EngineAction>;
}

/** Identity at runtime; it exists so each worker module is checked against the definition type. */
export function defineWorker<V extends z.ZodType, H extends z.ZodType, O extends z.ZodType, S>(def: WorkerDefinition<V, H, O, S>): WorkerDefinition<V, H, O, S> {
  return def;
}

// Workers of different shapes in one registry.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyWorker<S> = WorkerDefinition<z.ZodType, z.ZodType, z.ZodType, S>;
