// When the reconciler may act on its own (seed 000 §23.3: the mismatch is deterministic, the
// repair is idempotent, the impact is low or already approved, the evidence is complete, and the
// policy allows it). Everything else goes to a person.
export interface RepairRule {
  /** the external system did what we asked (found under our idempotency key): record it as done */
  readonly recordObservedSuccess: boolean;
  /** the external system has no trace of the request: send it again under the same key */
  readonly resendWhenAbsent: boolean;
  /** sending again is harmless whatever happened (no need to look first) */
  readonly repeatable: boolean;
  /**
   * the system answers a second request under our key with the first one's result: "absent" may be
   * acted on at once. Without it a request that timed out may still land, so absence counts only
   * once RECONCILIATION_ABSENCE_SETTLE_MS have passed.
   */
  readonly deduplicatesByKey: boolean;
  readonly why: string;
}

/** Reads change nothing at the external system: one a worker died in the middle of is simply asked again. */
const read = (what: string): RepairRule => ({ recordObservedSuccess: false, resendWhenAbsent: false, repeatable: true, deduplicatesByKey: true, why: `${what} only reads; asking again changes nothing` });

const rules: Readonly<Record<string, RepairRule>> = {
  'CRM/VALIDATE_ACCOUNT': read('validating a customer account in CRM'),
  'PROVISIONING/CHECK_STATUS': read('polling the status of a provisioning request'),
  'BILLING/ACTIVATE_SUBSCRIPTION': {
    recordObservedSuccess: true,
    resendWhenAbsent: true,
    repeatable: false,
    deduplicatesByKey: true,
    why: 'billing is looked up by our idempotency key (deterministic); recording what billing did changes nothing there, and a re-send is the activation the order already approved, deduplicated by billing on the same key',
  },
  'INVENTORY/RESERVE_RESOURCE': { recordObservedSuccess: true, resendWhenAbsent: true, repeatable: false, deduplicatesByKey: true, why: 'inventory is looked up and deduplicates by our idempotency key' },
  'INVENTORY/RELEASE_RESOURCE': { recordObservedSuccess: false, resendWhenAbsent: false, repeatable: true, deduplicatesByKey: true, why: 'releasing a reservation twice leaves it released' },
  'PROVISIONING/ACTIVATE_SERVICE': {
    recordObservedSuccess: true,
    resendWhenAbsent: true,
    repeatable: false,
    deduplicatesByKey: true,
    why: 'provisioning is looked up by our transaction reference; a request there for another order is never repaired automatically (seed 000 §29.2: no auto-disconnect)',
  },
  'PROVISIONING/DEACTIVATE_SERVICE': { recordObservedSuccess: true, resendWhenAbsent: true, repeatable: false, deduplicatesByKey: true, why: 'provisioning deduplicates on our transaction reference' },
  'NOTIFICATION/SEND_ORDER_CONFIRMATION': {
    recordObservedSuccess: true,
    resendWhenAbsent: true,
    repeatable: false,
    deduplicatesByKey: false,
    why: 'the provider lists sent messages with our reference: found = sent once, absent once the call has settled = not sent (seed 000 §29.3)',
  },
};

/** The rule for an operation; unknown operations are manual. */
export function repairRule(system: string, operation: string): RepairRule {
  return rules[`${system}/${operation}`] ?? { recordObservedSuccess: false, resendWhenAbsent: false, repeatable: false, deduplicatesByKey: false, why: `no automatic repair is defined for ${system} ${operation}` };
}
