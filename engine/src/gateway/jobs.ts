// The unary job RPCs a worker answers with: complete, fail (retries, backoff, variables local to
// the task), throw a BPMN error, and the operator's retries and timeout updates.
import type { ActivateJobsRequest, Engine, StreamTarget } from '../api.ts';
import { invalidArgument } from './status.ts';
import { nonBlankList, parseKey, parseNumber, parseVariables, requireNonBlank } from './wire.ts';

export interface ActivateJobsWire {
  readonly type?: string;
  readonly worker?: string;
  readonly timeout?: string;
  readonly maxJobsToActivate?: number;
  readonly fetchVariable?: string[];
  readonly requestTimeout?: string;
  readonly tenantIds?: string[];
}

function positive(field: string, value: string | number | undefined): number {
  const parsed = parseNumber(field, value);
  if (parsed < 1) throw invalidArgument(`Property '${field}' is invalid: expected a value of at least 1, but got ${parsed}`);
  return parsed;
}

/** ActivateJobs' arguments, refused as the proto documents (blank type or worker, timeout or max below 1). */
export function toActivateRequest(request: ActivateJobsWire): ActivateJobsRequest {
  const tenantIds = nonBlankList(request.tenantIds);
  return {
    type: requireNonBlank('type', request.type),
    worker: requireNonBlank('worker', request.worker),
    timeout: positive('timeout', request.timeout),
    maxJobsToActivate: positive('maxJobsToActivate', request.maxJobsToActivate),
    fetchVariable: nonBlankList(request.fetchVariable),
    tenantIds: tenantIds.length ? tenantIds : undefined,
  };
}

/** StreamActivatedJobs' arguments: a blank worker name is allowed there. */
export function toStreamTarget(request: Omit<ActivateJobsWire, 'maxJobsToActivate' | 'requestTimeout'>): { type: string; target: StreamTarget } {
  const tenantIds = nonBlankList(request.tenantIds);
  return {
    type: requireNonBlank('type', request.type),
    target: { worker: request.worker ?? '', timeout: positive('timeout', request.timeout), fetchVariable: nonBlankList(request.fetchVariable), tenantIds: tenantIds.length ? tenantIds : undefined },
  };
}

export function completeJob(engine: Engine) {
  return async (request: { jobKey?: string; variables?: string }) => {
    await engine.completeJob(parseKey('jobKey', request.jobKey), parseVariables('variables', request.variables));
    return {};
  };
}

export function failJob(engine: Engine) {
  return async (request: { jobKey?: string; retries?: number; errorMessage?: string; retryBackOff?: string; variables?: string }) => {
    await engine.failJob({
      jobKey: parseKey('jobKey', request.jobKey),
      retries: Math.max(0, parseNumber('retries', request.retries)),
      errorMessage: request.errorMessage ?? '',
      retryBackOff: Math.max(0, parseNumber('retryBackOff', request.retryBackOff)),
      variables: parseVariables('variables', request.variables),
    });
    return {};
  };
}

export function throwError(engine: Engine) {
  return async (request: { jobKey?: string; errorCode?: string; errorMessage?: string; variables?: string }) => {
    await engine.throwError({
      jobKey: parseKey('jobKey', request.jobKey),
      errorCode: request.errorCode ?? '',
      errorMessage: request.errorMessage ?? '',
      variables: parseVariables('variables', request.variables),
    });
    return {};
  };
}

export function updateJobRetries(engine: Engine) {
  return async (request: { jobKey?: string; retries?: number }) => {
    await engine.updateJobRetries(parseKey('jobKey', request.jobKey), positive('retries', request.retries));
    return {};
  };
}

export function updateJobTimeout(engine: Engine) {
  return async (request: { jobKey?: string; timeout?: string }) => {
    await engine.updateJobTimeout(parseKey('jobKey', request.jobKey), parseNumber('timeout', request.timeout));
    return {};
  };
}
