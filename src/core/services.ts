// What application services need, built once per farm process (src/farm/) and handed to workers.
import type { DatabasePool } from 'slonik';
import type { Adapters } from '../adapters/index.ts';
import type { ExternalCalls } from '../integration/external-call.ts';
import type { AdapterRegistry } from '../integration/registry/adapter-registry.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';

/** The five external systems, behind their ports. */
export type Ports = Omit<Adapters, 'circuits'>;

/** Publishes a message to the engine; messageId makes a repeated publish a no-op while it lives. */
export interface MessagePublisher {
  publish(msg: { name: string; correlationKey: string; messageId: string; variables: Record<string, unknown>; timeToLiveMs: number }): Promise<void>;
}

/**
 * What became of a request to let a job that stopped on an incident run again: 'resumed' (the job
 * has the retries its task declares again, and its incident is resolved), 'already-resolved' (the
 * engine holds that incident open no more: an earlier try whose answer was lost, or an operator),
 * 'no-incident' (no open incident of the job is visible, yet: the search side trails the engine),
 * 'job-gone' (the engine knows the job no more: it completed, or its element was left),
 * 'instance-ended'.
 */
export type JobResumption = 'resumed' | 'already-resolved' | 'no-incident' | 'job-gone' | 'instance-ended';

/** What the application asks of the engine besides jobs and messages (operator-grade actions). */
export interface EnginePort {
  /** Gives a failed job the retries its task declares and resolves its incident. */
  resumeFailedJob(processInstanceKey: string, jobKey: string): Promise<JobResumption>;
  /** The open user task at elementId in the instance, if the search side shows one. */
  findOpenUserTask(processInstanceKey: string, elementId: string): Promise<string | undefined>;
  completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void>;
}

export interface FarmServices {
  readonly db: DatabasePool;
  readonly calls: ExternalCalls;
  /** tenant configuration: which capabilities a tenant may use, where its calls go (seed 000 §10) */
  readonly registry: AdapterRegistry;
  /** the external systems as the tenant's registry rows configure them (base URL, credential, timeouts) */
  readonly portsFor: (tenantId: string) => Ports;
  readonly messages: MessagePublisher;
  readonly engine: EnginePort;
  readonly config: Config;
  readonly log: Logger;
  /** how long one external call may take before its attempt counts as abandoned (standard timeouts; see callLeaseMs in external-step.ts) */
  readonly callLeaseMs: number;
}
