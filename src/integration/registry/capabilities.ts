// The capabilities of the external systems the farm uses (seed 000 §10 capability matrix). Whether a
// tenant may use one is the adapter registry's answer, never a guess of the use case.
import type { ExternalSystem } from '../../core/ports/external-result.ts';

/** ck_integration_capability_code; contracts/enum-map.yaml CapabilityCode. */
export const CAPABILITY_CODES = [
  'CRM_VALIDATE_ACCOUNT',
  'INVENTORY_RESERVE_NUMBER',
  'PROVISIONING_ACTIVATE_SERVICE',
  'BILLING_ACTIVATE_SUBSCRIPTION',
  'NOTIFICATION_SEND_EMAIL',
] as const;
export type CapabilityCode = (typeof CAPABILITY_CODES)[number];

/** The system a capability belongs to: the one its code starts with (ck_integration_capability_of_system). */
export function systemOf(capability: CapabilityCode): ExternalSystem {
  return capability.slice(0, capability.indexOf('_')) as ExternalSystem;
}

/** Why a capability is disabled for a tenant (contracts/enum-map.yaml CapabilityDisabledReason). */
export const CAPABILITY_DISABLED_REASONS = [
  /** no integration_system_config row for the tenant and system */
  'SYSTEM_NOT_CONFIGURED',
  /** the system row says enabled = false */
  'SYSTEM_DISABLED',
  /** capability profile EXPLICIT and no row for the capability */
  'CAPABILITY_NOT_CONFIGURED',
  /** the capability row says enabled = false */
  'CAPABILITY_DISABLED',
] as const;
export type CapabilityDisabledReason = (typeof CAPABILITY_DISABLED_REASONS)[number];
