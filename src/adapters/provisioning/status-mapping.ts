// External provisioning statuses → internal ones (seed 000 §13.2). The external codes (ERR2, …)
// never reach the order aggregate; anything we do not know is flagged for investigation.
import type { ProvisioningStatus } from '../../core/ports/provisioning.ts';

// a Map, not an object literal: "constructor" or "toString" must not map to anything
const STATUS_MAP: ReadonlyMap<string, ProvisioningStatus> = new Map([
  ['NEW', 'PENDING'],
  ['SENT', 'PENDING'],
  ['ACK', 'PENDING'],
  ['INPROG', 'PENDING'],
  ['DONE', 'SUCCEEDED'],
  ['ERR', 'FAILED'],
  ['ERR2', 'FAILED'],
  ['CANCEL_PENDING', 'CANCELLATION_PENDING'],
]);

export function toInternalProvisioningStatus(external: string): ProvisioningStatus {
  return STATUS_MAP.get(external) ?? 'UNKNOWN_REQUIRES_INVESTIGATION';
}
