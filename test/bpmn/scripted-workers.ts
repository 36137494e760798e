// Test job handlers for model tests: one job stream per job type of an isolated model copy,
// answering as the farm's workers would (or as a test scripts it, per order), and recording every
// job so a test can count which handlers ran — compensation handlers in particular.
import type { IsolatedModel, ProcessTest } from '../support/process-test.ts';

export interface JobCall {
  /** the model's job type, without the isolation suffix */
  readonly type: string;
  /** the value of the variable that keys scripts and calls (`orderId` unless started with another `keyVariable`) */
  readonly key: string;
  readonly elementId: string;
  readonly processInstanceKey: string;
  readonly orderId: string;
  readonly orderItemId: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type JobReply =
  | { readonly kind: 'complete'; readonly variables: Record<string, unknown> }
  | { readonly kind: 'bpmn-error'; readonly errorCode: string; readonly variables: Record<string, unknown> };

export type JobScript = (call: JobCall) => JobReply | Promise<JobReply>;
/** Per job type, how the jobs of one order are answered (unscripted types get the defaults). */
export type OrderScript = Partial<Record<string, JobScript>>;

export interface ScriptedWorkersOptions {
  /** the variable whose value keys scripts and calls (default `orderId`; e.g. `caseId` for reconciliation cases) */
  readonly keyVariable?: string;
}

export const complete = (variables: Record<string, unknown> = {}): JobReply => ({ kind: 'complete', variables });
/** A business rejection as the farm reports it: code plus the reason and evidence the model maps. */
export const bpmnError = (errorCode: string, falloutReason: string): JobReply => ({ kind: 'bpmn-error', errorCode, variables: { falloutReason, evidenceId: `ev-${errorCode.toLowerCase()}` } });

/** The outputs the farm's workers give on success (see workers/*.ts). */
export const DEFAULT_REPLIES: Readonly<Record<string, JobScript>> = {
  'crm.validate-customer-account.v1': (c) => complete({ accountStatus: 'ACTIVE', billingAccountId: `ba-${c.orderId}` }),
  'inventory.reserve-resource.v1': (c) => complete({ reservationId: `res-${c.orderItemId}` }),
  'inventory.release-resource.v1': () => complete({ released: true }),
  'provisioning.activate-service.v1': (c) => complete({ provisioningTaskId: provisioningTaskIdOf(c.orderId, c.orderItemId ?? ''), providerRequestId: `pr-${c.orderItemId}` }),
  'provisioning.deactivate-service.v1': () => complete({ deactivationRequested: true }),
  'provisioning.check-status.v1': () => complete({ provisioningPollStatus: 'IN_PROGRESS' }),
  'billing.activate-subscription.v1': (c) => complete({ billingReference: `bill-${c.orderId}` }),
  'notification.send-order-confirmation.v1': (c) => complete({ notificationId: `note-${c.orderId}` }),
  'order.record-status.v1': (c) => complete({ orderStatus: c.headers.orderStatus }),
  'reconciliation.check-external-state.v1': (c) => complete({ reconciliationOutcome: 'REPAIRED', reconciliationChecks: 1, expectedSummary: `expected of ${c.key}`, observedSummary: `observed of ${c.key}` }),
  'reconciliation.apply-decision.v1': (c) => complete({ resumeFulfillment: c.variables.reconciliationDecision !== 'CANCEL_ORDER' }),
  'reconciliation.resume-fulfillment.v1': () => complete({ fulfillmentResumed: true }),
  'reconciliation.sweep-open-cases.v1': () => complete({ casesStarted: 0 }),
};

/** The fulfillment task id the default activation reply hands out (the ProvisioningCompleted correlation key). */
export const provisioningTaskIdOf = (orderId: string, orderItemId: string): string => `ft-${orderId}-${orderItemId}`;

export class ScriptedWorkers {
  private readonly scripts = new Map<string, OrderScript>();
  private readonly log: JobCall[] = [];
  private readonly streams: { close(): unknown }[] = [];

  private constructor() {}

  static async start(pt: ProcessTest, model: IsolatedModel, opts: ScriptedWorkersOptions = {}): Promise<ScriptedWorkers> {
    const keyVariable = opts.keyVariable ?? 'orderId';
    const workers = new ScriptedWorkers();
    for (const type of model.jobTypes) {
      const stream = await pt.zeebe.streamJobs({
        type: model.jobType(type),
        worker: `model-test-${model.suffix}`,
        timeout: 30_000,
        tenantIds: ['<default>'],
        taskHandler: async (job) => {
          const variables = job.variables as Record<string, unknown>;
          const call: JobCall = {
            type,
            key: String(variables[keyVariable]),
            elementId: job.elementId,
            processInstanceKey: job.processInstanceKey,
            orderId: String(variables.orderId),
            orderItemId: typeof variables.orderItemId === 'string' ? variables.orderItemId : undefined,
            headers: job.customHeaders as Record<string, string>,
            variables,
          };
          workers.log.push(call);
          try {
            const reply = await workers.replyTo(call);
            if (reply.kind === 'complete') return job.complete(reply.variables as never);
            return job.error({ errorCode: reply.errorCode, errorMessage: `scripted ${reply.errorCode}`, variables: reply.variables as never });
          } catch (err) {
            // a broken script shows as an incident, which awaitCompleted reports at once
            return job.fail({ errorMessage: `test script failed: ${(err as Error).message}`, retries: 0 });
          }
        },
      });
      workers.streams.push(stream);
    }
    return workers;
  }

  /** How this order's jobs are answered (merged over earlier scripts for the order; the key is the `keyVariable`'s value). */
  script(orderId: string, script: OrderScript): void {
    this.scripts.set(orderId, { ...this.scripts.get(orderId), ...script });
  }

  calls(orderId: string, type?: string): JobCall[] {
    return this.log.filter((c) => c.key === orderId && (!type || c.type === type));
  }

  count(orderId: string, type: string): number {
    return this.calls(orderId, type).length;
  }

  /** Every job of the type so far, whatever its key (e.g. of instances a timer started, which carry no key variable). */
  callsOfType(type: string): JobCall[] {
    return this.log.filter((c) => c.type === type);
  }

  close(): void {
    for (const stream of this.streams) stream.close();
  }

  private replyTo(call: JobCall): JobReply | Promise<JobReply> {
    const script = this.scripts.get(call.key)?.[call.type] ?? DEFAULT_REPLIES[call.type];
    if (!script) throw new Error(`no reply scripted for ${call.type}`);
    return script(call);
  }
}
