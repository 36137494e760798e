// What most tests do over gRPC: deploy a model, start an instance, take a job, and read the status
// code of a refused command.
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import type { IProcessVariables, JSONDoc } from '@camunda8/sdk/dist/zeebe/lib/interfaces-1.0.js';
import { eventually } from './eventually.ts';
import { grpc } from './target.ts';

type Job = Awaited<ReturnType<ZeebeGrpcClient['activateJobs']>>[number];
export type { Job };

export async function deploy(processId: string, xml: string): Promise<{ processDefinitionKey: string; version: number; deploymentKey: string }> {
  const deployed = await grpc().deployResource({ process: Buffer.from(xml), name: `${processId}.bpmn` });
  const definition = deployed.deployments[0]?.process;
  if (!definition) throw new Error(`deployment of ${processId} answered no process: ${JSON.stringify(deployed)}`);
  return { processDefinitionKey: String(definition.processDefinitionKey), version: definition.version, deploymentKey: String(deployed.key) };
}

export async function start(processId: string, variables: Record<string, unknown> = {}): Promise<string> {
  const created = await grpc().createProcessInstance({ bpmnProcessId: processId, variables: variables as JSONDoc });
  return String(created.processInstanceKey);
}

export async function deployAndStart(processId: string, xml: string, variables: Record<string, unknown> = {}): Promise<string> {
  await deploy(processId, xml);
  return start(processId, variables);
}

/** Long-polls until one job of `type` is activated (the gateway's long polling does the waiting). */
export async function takeJob(type: string, options: { timeoutMs?: number; worker?: string; jobTimeoutMs?: number; fetchVariable?: string[] } = {}): Promise<Job> {
  const jobs = await takeJobs(type, 1, options);
  return jobs[0]!;
}

export async function takeJobs(type: string, count: number, options: { timeoutMs?: number; worker?: string; jobTimeoutMs?: number; fetchVariable?: string[] } = {}): Promise<Job[]> {
  const taken: Job[] = [];
  await eventually(
    async () => {
      const jobs = await grpc().activateJobs({
        type,
        worker: options.worker ?? 'conformance',
        maxJobsToActivate: count - taken.length,
        timeout: options.jobTimeoutMs ?? 60_000,
        requestTimeout: 2_000,
        ...(options.fetchVariable ? { fetchVariable: options.fetchVariable } : {}),
      });
      taken.push(...jobs);
      return taken.length;
    },
    (n) => n >= count,
    { timeoutMs: options.timeoutMs ?? 20_000, what: `${count} job(s) of type ${type}` },
  );
  return taken;
}

/** Activates with no long polling (requestTimeout -1): what is activatable right now. */
export const jobsNow = (type: string, max = 10, jobTimeoutMs = 60_000) => grpc().activateJobs({ type, worker: 'conformance', maxJobsToActivate: max, timeout: jobTimeoutMs, requestTimeout: -1 });

export const complete = (job: Job, variables: Record<string, unknown> = {}) => grpc().completeJob({ jobKey: job.key, variables: variables as IProcessVariables });

/** Takes the one job of `type` and completes it with `variables`. */
export async function work(type: string, variables: Record<string, unknown> = {}): Promise<Job> {
  const job = await takeJob(type);
  await complete(job, variables);
  return job;
}

export const GrpcStatus = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, RESOURCE_EXHAUSTED: 8 } as const;

/** The gRPC status code (and message) a command was refused with; fails when it succeeded. */
export async function refusal(command: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await command;
  } catch (error) {
    const { code, details, message } = error as { code?: number; details?: string; message?: string };
    return { code: code ?? -1, message: details ?? message ?? '' };
  }
  throw new Error('expected the command to be refused, but it succeeded');
}

export const parse = (job: Job): Record<string, unknown> => job.variables as Record<string, unknown>;

export const throwError = (job: Job, errorCode: string, variables: Record<string, unknown> = {}) =>
  grpc().throwError({ jobKey: job.key, errorCode, errorMessage: `thrown ${errorCode}`, variables: variables as JSONDoc });

export const publish = (name: string, correlationKey: string, options: { timeToLive?: number; messageId?: string; variables?: Record<string, unknown> } = {}) =>
  grpc().publishMessage({
    name,
    correlationKey,
    timeToLive: options.timeToLive ?? 0,
    ...(options.messageId ? { messageId: options.messageId } : {}),
    variables: (options.variables ?? {}) as IProcessVariables,
  });

export const setVariables = (elementInstanceKey: string, variables: Record<string, unknown>, local: boolean) =>
  grpc().setVariables({ elementInstanceKey, variables: variables as JSONDoc, local });
