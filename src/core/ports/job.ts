// The job a use case works for, as the core sees it: the engine's identifiers it records (causation,
// reconciliation context) and the retries it may spend. The worker runtime hands one in; the core
// never learns how jobs arrive.
export interface JobRef {
  readonly key: string;
  readonly type: string;
  readonly retries: number;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly tenantId: string;
  /** epoch ms after which the engine may hand the job to another worker */
  readonly deadline: number;
}

export const JOB_CAUSATION_PREFIX = 'job:';
/** The causation id of what a job does (ledger attempts, events): constant across the job's retries, timeouts and incidents. */
export const jobCausationId = (job: Pick<JobRef, 'key'>): string => `${JOB_CAUSATION_PREFIX}${job.key}`;
