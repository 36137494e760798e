// REST job activation with long polling: the runtime only activates what is activatable now, so
// an empty answer waits (until requestTimeout; < 0 answers at once) for the runtime to announce
// jobs of the type, then tries again. A client that hung up stops the wait before anything is
// activated for it, so no job is handed to a closed connection.
import type { ActivatedJobResult } from '@camunda8/orchestration-cluster-api';
import type { ActivateJobsRequest, ActivatedJob, Engine } from '../../api.ts';
import { asKey } from '../records.ts';

/** The gateway's long-polling timeout, used when the request gives none (or 0). */
export const DEFAULT_LONG_POLL_MS = 10_000;

export async function activateWithLongPolling(
  engine: Engine,
  request: ActivateJobsRequest,
  requestTimeout: number,
  signal: AbortSignal,
): Promise<ActivatedJob[]> {
  let announced = false;
  let wake: (() => void) | undefined;
  const unsubscribe = engine.onJobsAvailable((jobs) => {
    const matching = jobs.some(
      (job) => job.type === request.type && (request.tenantIds === undefined || request.tenantIds.length === 0 || request.tenantIds.includes(job.tenantId)),
    );
    if (!matching) return;
    announced = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    const deadline = Date.now() + (requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : requestTimeout);
    for (;;) {
      announced = false;
      const jobs = await engine.activateJobs(request);
      if (jobs.length > 0 || requestTimeout < 0 || signal.aborted) return jobs;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      if (!announced) await waitUntilWoken(remaining, (resume) => (wake = resume));
      wake = undefined;
      if (signal.aborted) return [];
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}

function waitUntilWoken(timeoutMs: number, register: (resume: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    register(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toActivatedJob(job: ActivatedJob): ActivatedJobResult {
  return {
    jobKey: asKey(job.key),
    type: job.type,
    processInstanceKey: asKey(job.processInstanceKey),
    rootProcessInstanceKey: null,
    processDefinitionId: asKey(job.bpmnProcessId),
    processDefinitionVersion: job.processDefinitionVersion,
    processDefinitionKey: asKey(job.processDefinitionKey),
    elementId: asKey(job.elementId),
    elementInstanceKey: asKey(job.elementInstanceKey),
    customHeaders: parseObject(job.customHeaders),
    worker: job.worker,
    retries: job.retries,
    deadline: job.deadline,
    variables: parseObject(job.variables),
    tenantId: asKey(job.tenantId),
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    userTask: null,
    tags: [],
  };
}
