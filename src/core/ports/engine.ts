// What the core asks of the engine besides the job it works for (operator-grade actions). The
// engine adapter (src/adapters/engine/) implements it over the gateway and the REST API.

/**
 * What became of a request to let a job that stopped on an incident run again: 'resumed' (the job
 * has the retries its task declares again, and its incident is resolved), 'already-resolved' (the
 * engine holds that incident open no more: an earlier try whose answer was lost, or an operator),
 * 'no-incident' (no open incident of the job is visible, yet: the search side trails the engine),
 * 'job-gone' (the engine knows the job no more: it completed, or its element was left),
 * 'instance-ended'.
 */
export type JobResumption = 'resumed' | 'already-resolved' | 'no-incident' | 'job-gone' | 'instance-ended';

export interface EnginePort {
  /** Gives a failed job the retries its task declares and resolves its incident. */
  resumeFailedJob(processInstanceKey: string, jobKey: string): Promise<JobResumption>;
  /** The open user task at elementId in the instance, if the search side shows one. */
  findOpenUserTask(processInstanceKey: string, elementId: string): Promise<string | undefined>;
  completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void>;
}
