// Billing: subscription activation, idempotent on the Idempotency-Key header. One subscription
// is activated once: another key for an active subscription is ALREADY_ACTIVE, never a second
// activation. Billing accounts BA-REJECT… are not eligible (demo data) until the billing team
// makes one eligible (makeEligible: the control API's PUT /__sim/billing/eligible-accounts/:id).
import { z } from 'zod';
import { bearerAuth } from '../kit/auth.ts';
import { payloadHash } from '../kit/fingerprint.ts';
import { IdempotencyStore } from '../kit/idempotency.ts';
import { newId } from '../kit/ids.ts';
import { checkBody } from '../kit/json-body.ts';
import type { SideEffectRecorder } from '../kit/side-effects.ts';
import type { SimReply, SimRequest, SystemDefinition } from '../kit/system-routes.ts';
import type { SimulatedSystem } from './simulated-system.ts';
import { SYSTEM_PATHS } from '../endpoints.ts';

const SYSTEM = 'billing';

export const activationRequestSchema = z.object({
  billingAccountId: z.string().min(1),
  activationDate: z.iso.date(),
  chargeSnapshotVersion: z.number().int().min(1),
  charges: z.array(
    z.object({
      chargeCode: z.string().min(1),
      amount: z.string().regex(/^-?\d+(\.\d{1,4})?$/, 'a decimal amount such as "49.90"'),
      currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code'),
      frequency: z.string().min(1),
      type: z.string().min(1),
    }),
  ),
});

/** 201 body (and the replayed 200 body). */
export interface ActivationView {
  readonly activationId: string;
  readonly billingSubscriptionRef: string;
  readonly state: 'ACTIVE';
  readonly activatedAt: string;
}

export interface Activation extends ActivationView {
  readonly subscriptionId: string;
  readonly idempotencyKey: string | undefined;
  readonly chargeSnapshotVersion: number;
}

const errorBody = (code: string, message: string) => ({ code, message });

function headerText(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

export interface BillingSystem extends SimulatedSystem {
  readonly activations: ReadonlyMap<string, Activation>;
  /** the cause of a BA-REJECT… refusal fixed in billing: the account's next activation goes through */
  makeEligible(billingAccountId: string): void;
}

export function createBillingSystem(options: { readonly token: string; readonly sideEffects: SideEffectRecorder }): BillingSystem {
  const activations = new Map<string, Activation>();
  const madeEligible = new Set<string>();
  const activeBySubscription = new Map<string, Activation>();
  const keys = new IdempotencyStore<ActivationView>();

  function activateSubscription(request: SimRequest): SimReply {
    const checked = checkBody(activationRequestSchema, request.body);
    if (!checked.ok) return { status: 400, body: errorBody('BIL-ERR-1000', checked.message) };
    const activation = checked.data;
    const subscriptionId = request.params.subscriptionId ?? '';
    const idempotencyKey = headerText(request, 'idempotency-key');
    // the subscription is part of the request: the same key for another subscription is a mismatch
    const hash = payloadHash({ params: request.params, body: request.body });
    if (idempotencyKey !== undefined) {
      const verdict = keys.check(idempotencyKey, hash);
      if (verdict.kind === 'replay') return { status: 200, body: verdict.stored };
      if (verdict.kind === 'conflict') return { status: 409, body: errorBody('IDEMPOTENCY_MISMATCH', `idempotency key ${idempotencyKey} was used for another activation request`) };
    }
    const active = activeBySubscription.get(subscriptionId);
    if (active) {
      return {
        status: 409,
        body: { ...errorBody('ALREADY_ACTIVE', `subscription ${subscriptionId} is already active (activation ${active.activationId})`), activeSnapshotVersion: active.chargeSnapshotVersion },
      };
    }
    if (activation.billingAccountId.startsWith('BA-REJECT') && !madeEligible.has(activation.billingAccountId)) {
      return { status: 422, body: errorBody('BIL-ERR-7781', `billing account ${activation.billingAccountId} is not eligible for activation`) };
    }

    const view: ActivationView = { activationId: newId('ACT'), billingSubscriptionRef: newId('BSUB'), state: 'ACTIVE', activatedAt: new Date().toISOString() };
    const record: Activation = { ...view, subscriptionId, idempotencyKey, chargeSnapshotVersion: activation.chargeSnapshotVersion };
    activations.set(view.activationId, record);
    activeBySubscription.set(subscriptionId, record);
    if (idempotencyKey !== undefined) keys.remember(idempotencyKey, hash, view);
    options.sideEffects.record({ system: SYSTEM, operation: 'activateSubscription', idempotencyKey, ref: subscriptionId, payloadHash: hash });
    return { status: 201, body: view };
  }

  function findActivations(request: SimRequest): SimReply {
    const key = request.query.idempotencyKey;
    if (key === undefined || key === '') return { status: 400, body: errorBody('BIL-ERR-1000', 'query parameter idempotencyKey is required') };
    const items = [...activations.values()]
      .filter((a) => a.idempotencyKey === key)
      .map((a) => ({ activationId: a.activationId, billingSubscriptionRef: a.billingSubscriptionRef, state: a.state, activatedAt: a.activatedAt, subscriptionId: a.subscriptionId }));
    return { status: 200, body: { items } };
  }

  const definition: SystemDefinition = {
    name: SYSTEM,
    prefix: SYSTEM_PATHS.billing,
    auth: bearerAuth(options.token, SYSTEM),
    errorBody,
    badRequestCode: 'BIL-ERR-1000',
    routes: [
      { method: 'POST', url: '/v3/subscriptions/:subscriptionId/activation', operation: 'activateSubscription', successStatus: 201, handle: activateSubscription },
      { method: 'GET', url: '/v3/activations', operation: 'findActivations', successStatus: 200, handle: findActivations },
    ],
  };

  return {
    definition,
    activations,
    makeEligible: (billingAccountId) => void madeEligible.add(billingAccountId),
    reset: () => {
      madeEligible.clear();
      activations.clear();
      activeBySubscription.clear();
      keys.clear();
    },
  };
}
