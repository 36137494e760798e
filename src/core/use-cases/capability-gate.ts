// Before a step's external call: may the order's tenant use the capability the step needs (seed 000
// §10)? The registry answers; this file decides, once per capability, what a disabled one means
// for the order, and records that decision on the step's fulfillment task (no attempt is written:
// nothing was called, and enabling the capability later lets the same step call for real).
//   bpmn-error  the business outcome the model already handles for a refusal of that system
//               (falloutReason names the capability and why; evidenceId is null: no call, no evidence);
//               the fulfillment task is REJECTED
//   skip        the step completes without the call, with the output the use case gives for a skip;
//               the fulfillment task is SKIPPED
// A step whose call was already attempted goes on whatever the registry says now (the ledger replays
// or retries it): disabling stops new work, never work under way.
import { BPMN_ERRORS } from '../domain/bpmn-errors.ts';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { ExternalSystem } from '../ports/external-result.ts';
import type { CapabilityDecision } from '../../integration/registry/adapter-registry.ts';
import type { CapabilityCode } from '../../integration/registry/capabilities.ts';
import { setTaskStatus } from './fulfillment-tasks.ts';
import { attemptExists } from '../../repositories/external-call-attempt.ts';
import type { FarmServices } from '../services.ts';

type DisabledPath = { readonly path: 'bpmn-error'; readonly errorCode: string } | { readonly path: 'skip' };

export const WHEN_CAPABILITY_DISABLED = {
  /** an account the farm may not check is not accepted: the order is REJECTED, nothing reserved */
  CRM_VALIDATE_ACCOUNT: { path: 'bpmn-error', errorCode: BPMN_ERRORS.customerAccountRejected },
  /** the item cannot be reserved: the order is REJECTED once every item is done, reserved items released */
  INVENTORY_RESERVE_NUMBER: { path: 'bpmn-error', errorCode: BPMN_ERRORS.inventoryUnavailable },
  /** the service cannot be ordered: provisioning fallout, accepted submissions and reservations compensated */
  PROVISIONING_ACTIVATE_SERVICE: { path: 'bpmn-error', errorCode: BPMN_ERRORS.provisioningRejected },
  /** billing fallout for a person (Tasklist): RETRY once the capability is enabled, or CANCEL */
  BILLING_ACTIVATE_SUBSCRIPTION: { path: 'bpmn-error', errorCode: BPMN_ERRORS.billingRejected },
  /** a confirmation the tenant does not send is no reason to stop the order: it completes without one */
  NOTIFICATION_SEND_EMAIL: { path: 'skip' },
} as const satisfies Record<CapabilityCode, DisabledPath>;

export interface GatedCall {
  readonly tenantId: string;
  readonly orderId: string;
  readonly system: ExternalSystem;
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly capability: CapabilityCode;
  /** the output of a skipped step (capabilities whose path is skip) */
  readonly skipped?: ((reason: string) => Readonly<Record<string, unknown>>) | undefined;
  /** the job's first statement claimed the key just now: it was never attempted before */
  readonly claimedNow?: boolean;
}

export type Disabled = Extract<CapabilityDecision, { enabled: false }>;

/** The engine action of a step whose capability is disabled; undefined: go on and call. */
export async function gateCapability(s: FarmServices, call: GatedCall, taskId: string): Promise<{ readonly action: EngineAction; readonly disabled: Disabled } | undefined> {
  // the registry answers from its cache; the ledger is asked only when the capability is off
  const decision = await s.registry.capability(call.tenantId, call.system, call.capability);
  if (decision.enabled) return undefined;
  // a call made before the capability was turned off is followed up (replayed), not refused
  if (!call.claimedNow && (await attemptExists(s.db, call))) return undefined;
  const reason = `${decision.reason}: ${decision.detail}`;
  const when: DisabledPath = WHEN_CAPABILITY_DISABLED[call.capability];
  s.log.info({ tenantId: call.tenantId, orderId: call.orderId, capability: call.capability, reason: decision.reason, path: when.path }, `${call.capability} disabled for the tenant: ${when.path}, no call made`);
  const record = { capability: call.capability, disabled: decision.reason, detail: decision.detail };
  if (when.path === 'skip') {
    if (!call.skipped) throw new Error(`${call.capability} is skipped when disabled, but its step gives no skipped output`);
    await setTaskStatus(s.db, taskId, 'SKIPPED', record);
    return { action: complete(call.skipped(reason)), disabled: decision };
  }
  await setTaskStatus(s.db, taskId, 'REJECTED', record);
  const message = `${call.system} ${call.operation} for order ${call.orderId} not called: ${reason}. Enable the capability in integration_capability / integration_system_config to let the step call.`;
  return { action: { kind: 'bpmn-error', errorCode: when.errorCode, message, variables: { falloutReason: reason, evidenceId: null } }, disabled: decision };
}
