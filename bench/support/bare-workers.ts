// The baseline: bare workers that complete each job of the fulfillment model at once, with the
// variables its happy path needs, over the same job streams the farm uses (src/worker-runtime/
// job-stream.ts) and the same gateway channel for the commands (one uncompressed channel, as the
// farm's). No schemas, no database, no external systems, no logs.
// The provisioning result the farm gets from the provider (callback → intake → message) is
// published by the bare worker itself, right after it completes the submission.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MESSAGES } from '../../src/core/domain/bpmn-errors.ts';
import { RESULT_MESSAGE_TTL_MS } from '../../src/core/use-cases/provisioning-result.ts';
import type { Logger } from '../../src/platform/logger.ts';
import { activateJobsNow, connectGateway, openJobStream, type ActivatedJob, type JobStream } from '../../src/worker-runtime/job-stream.ts';
import { workers } from '../../workers/index.ts';
import { FINAL_JOB_TYPE } from './protocol.ts';

type Vars = Record<string, string | null>;

/** What each job of the happy path answers (the farm's output schemas, with made-up values). */
const ANSWERS: Readonly<Record<string, (job: ActivatedJob) => Vars>> = {
  'crm.validate-customer-account.v1': () => ({ accountStatus: 'ACTIVE', billingAccountId: `BA-${randomUUID().slice(0, 8)}` }),
  'inventory.reserve-resource.v1': () => ({ reservationId: `res-${randomUUID()}` }),
  'provisioning.activate-service.v1': () => ({ provisioningTaskId: randomUUID(), providerRequestId: `prov-${randomUUID()}` }),
  'billing.activate-subscription.v1': () => ({ billingReference: `bil-${randomUUID()}` }),
  'notification.send-order-confirmation.v1': () => ({ notificationId: `msg-${randomUUID()}` }),
  [FINAL_JOB_TYPE]: (job) => ({ orderStatus: String((JSON.parse(job.customHeaders || '{}') as { orderStatus?: string }).orderStatus ?? 'COMPLETED') }),
};

export interface BareWorkersOptions {
  readonly gatewayAddress: string;
  readonly suffix: string;
  readonly maxConcurrentJobs: number;
  readonly jobTimeoutMs: number;
  readonly log: Logger;
  readonly onDone: (type: string, outcome: string) => void;
}

export function startBareWorkers(o: BareWorkersOptions): { jobTypes: string[]; close(): void } {
  const gateway = connectGateway(o.gatewayAddress.replace(/^grpcs?:\/\//, ''), { tls: o.gatewayAddress.startsWith('grpcs://') });
  const name = `bare-${hostname()}-${process.pid}`;
  const tenantIds = ['<default>'];
  let inFlight = 0;
  const streams: JobStream[] = [];
  const jobTypes: string[] = [];
  for (const [baseType, answer] of Object.entries(ANSWERS)) {
    const type = `${baseType}-${o.suffix}`;
    // the variables the farm's worker reads, so both sides ask the engine for the same payload
    const fetchVariables = variableNames(baseType);
    const complete = async (job: ActivatedJob) => {
      const variables = answer(job);
      await gateway.completeJob({ jobKey: job.key, variables });
      if (baseType === 'provisioning.activate-service.v1') {
        await gateway.publishMessage({
          name: `${MESSAGES.provisioningCompleted}-${o.suffix}`,
          correlationKey: String(variables.provisioningTaskId),
          messageId: `provisioning-result:${String(variables.provisioningTaskId)}`,
          variables: { provisioningStatus: 'SUCCEEDED', serviceInstanceId: `svc-${randomUUID().slice(0, 8)}`, provisioningFailureReason: null },
          timeToLive: RESULT_MESSAGE_TTL_MS,
        });
      }
      o.onDone(baseType, 'complete');
    };
    const onJob = (job: ActivatedJob) => {
      inFlight++;
      void complete(job)
        .catch((err: unknown) => {
          o.log.warn({ jobKey: job.key, err: (err as Error).message }, 'bare completion refused');
          o.onDone(baseType, 'refused');
        })
        .finally(() => inFlight--);
    };
    streams.push(
      openJobStream({
        gateway,
        type,
        worker: name,
        timeoutMs: o.jobTimeoutMs,
        tenantIds,
        fetchVariables,
        onJob,
        poll: (max) => activateJobsNow(gateway, { type, worker: name, timeoutMs: o.jobTimeoutMs, max, tenantIds, fetchVariables }),
        freeCapacity: () => o.maxConcurrentJobs - inFlight,
        pollIntervalMs: 2_000,
        log: o.log,
      }),
    );
    jobTypes.push(type);
  }
  return {
    jobTypes,
    close() {
      for (const s of streams) s.close();
      gateway.close();
    },
  };
}

function variableNames(type: string): string[] | undefined {
  const worker = workers.find((w) => w.type === type);
  const shape = (worker?.variables as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : undefined;
}
