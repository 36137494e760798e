// Provisioning: service orders, idempotent on clientTxnRef, completed asynchronously (see
// provisioning-lifecycle.ts). Service specification SPEC-FAIL… always ends in ERR (demo data).
import { z } from 'zod';
import { basicAuth } from '../kit/auth.ts';
import { payloadHash } from '../kit/fingerprint.ts';
import { IdempotencyStore } from '../kit/idempotency.ts';
import { newId } from '../kit/ids.ts';
import { checkBody } from '../kit/json-body.ts';
import { Scheduler } from '../kit/scheduler.ts';
import type { SideEffectRecorder } from '../kit/side-effects.ts';
import type { SimReply, SimRequest, SystemDefinition } from '../kit/system-routes.ts';
import { ServiceOrderLifecycle, serviceOrderView, type PlannedOutcome, type ServiceOrder } from './provisioning-lifecycle.ts';
import type { RepublishOutcome, ResultPublishing } from './provisioning-results.ts';
import type { SimulatedSystem } from './simulated-system.ts';
import { SYSTEM_PATHS } from '../endpoints.ts';

const SYSTEM = 'provisioning';

export const serviceOrderRequestSchema = z.object({
  clientTxnRef: z.string().min(1),
  action: z.enum(['ADD', 'DELETE']),
  svcSpec: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  orderRef: z.string().min(1),
  itemRef: z.string().min(1),
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export interface ProvisioningOptions {
  readonly username: string;
  readonly password: string;
  readonly sideEffects: SideEffectRecorder;
  readonly completionDelayMs: number;
  readonly callbackRetryDelaysMs: readonly number[];
  readonly callbackTimeoutMs: number;
  readonly onCallbackFailed?: (order: ServiceOrder) => void;
  /** signs callbacks (result events are signed by ResultPublishing) */
  readonly sign: (body: string) => Readonly<Record<string, string>>;
  /** final results also go to Kafka (absent: callbacks and status answers only) */
  readonly results?: ResultPublishing;
}

const errorBody = (errCd: string, errMsg: string) => ({ errCd, errMsg });

function plannedOutcome(request: SimRequest, svcSpec: string): PlannedOutcome {
  if (request.fault?.type === 'async-failure') return { status: request.fault.status, errCd: request.fault.errCd, errMsg: request.fault.errMsg };
  if (svcSpec.startsWith('SPEC-FAIL')) return { status: 'ERR', errCd: 'SPEC_FAILED', errMsg: `service specification ${svcSpec} could not be provisioned` };
  return { status: 'DONE' };
}

export interface ProvisioningSystem extends SimulatedSystem {
  readonly serviceOrders: ReadonlyMap<string, ServiceOrder>;
  /** publishes a service order's last result event again; undefined: no such service order */
  republishResult(provTxnRef: string): Promise<RepublishOutcome> | undefined;
}

export function createProvisioningSystem(options: ProvisioningOptions): ProvisioningSystem {
  const serviceOrders = new Map<string, ServiceOrder>();
  const txnRefs = new IdempotencyStore<ServiceOrder>();
  const lifecycle = new ServiceOrderLifecycle({
    scheduler: new Scheduler(),
    completionDelayMs: options.completionDelayMs,
    callbackRetryDelaysMs: options.callbackRetryDelaysMs,
    callbackTimeoutMs: options.callbackTimeoutMs,
    sign: options.sign,
    ...(options.onCallbackFailed ? { onCallbackFailed: options.onCallbackFailed } : {}),
    ...(options.results ? { onFinal: (order: ServiceOrder) => options.results?.publishFinal(order) } : {}),
  });

  function submitServiceOrder(request: SimRequest): SimReply {
    const checked = checkBody(serviceOrderRequestSchema, request.body);
    if (!checked.ok) return { status: 400, body: errorBody('INVALID_PARAM', checked.message) };
    const submitted = checked.data;
    const hash = payloadHash({ params: request.params, body: request.body });
    const verdict = txnRefs.check(submitted.clientTxnRef, hash);
    if (verdict.kind === 'replay') return { status: 200, body: { provTxnRef: verdict.stored.provTxnRef, status: verdict.stored.status, duplicate: true } };
    if (verdict.kind === 'conflict') {
      return {
        status: 409,
        body: {
          ...errorBody('DUP_TXN', `clientTxnRef ${submitted.clientTxnRef} was used for another service order`),
          existingOrderRef: verdict.stored.orderRef,
          existingItemRef: verdict.stored.itemRef,
        },
      };
    }

    const order: ServiceOrder = {
      provTxnRef: newId('PTX'),
      clientTxnRef: submitted.clientTxnRef,
      orderRef: submitted.orderRef,
      itemRef: submitted.itemRef,
      action: submitted.action,
      svcSpec: submitted.svcSpec,
      params: submitted.params,
      callbackUrl: submitted.callbackUrl,
      outcome: plannedOutcome(request, submitted.svcSpec),
      status: 'ACK',
      callbackAttempts: [],
      resultPublications: [],
    };
    serviceOrders.set(order.provTxnRef, order);
    txnRefs.remember(order.clientTxnRef, hash, order);
    options.sideEffects.record({ system: SYSTEM, operation: 'submitServiceOrder', idempotencyKey: order.clientTxnRef, ref: `${order.orderRef}/${order.itemRef}`, payloadHash: hash });
    lifecycle.start(order);
    return { status: 202, body: { provTxnRef: order.provTxnRef, status: 'ACK' } };
  }

  function getServiceOrder(request: SimRequest): SimReply {
    const provTxnRef = request.params.provTxnRef ?? '';
    const order = serviceOrders.get(provTxnRef);
    return order ? { status: 200, body: serviceOrderView(order) } : { status: 404, body: errorBody('NO_SUCH_TXN', `no service order ${provTxnRef}`) };
  }

  function findServiceOrders(request: SimRequest): SimReply {
    const clientTxnRef = request.query.clientTxnRef;
    if (clientTxnRef === undefined || clientTxnRef === '') return { status: 400, body: errorBody('INVALID_PARAM', 'query parameter clientTxnRef is required') };
    return { status: 200, body: { items: [...serviceOrders.values()].filter((o) => o.clientTxnRef === clientTxnRef).map(serviceOrderView) } };
  }

  const definition: SystemDefinition = {
    name: SYSTEM,
    prefix: SYSTEM_PATHS.provisioning,
    auth: basicAuth(options.username, options.password, SYSTEM),
    errorBody,
    badRequestCode: 'INVALID_PARAM',
    routes: [
      { method: 'POST', url: '/api/service-orders', operation: 'submitServiceOrder', successStatus: 202, asynchronous: true, handle: submitServiceOrder },
      { method: 'GET', url: '/api/service-orders/:provTxnRef', operation: 'getServiceOrder', successStatus: 200, handle: getServiceOrder },
      { method: 'GET', url: '/api/service-orders', operation: 'findServiceOrders', successStatus: 200, handle: findServiceOrders },
    ],
  };

  return {
    definition,
    serviceOrders,
    republishResult: (provTxnRef) => {
      const order = serviceOrders.get(provTxnRef);
      if (!order) return undefined;
      return options.results ? options.results.republish(order) : Promise.resolve({ kind: 'no-result' });
    },
    reset: () => {
      void lifecycle.stop();
      options.results?.cancelPending();
      serviceOrders.clear();
      txnRefs.clear();
    },
    close: async () => {
      await lifecycle.stop();
      await options.results?.stop();
    },
  };
}
