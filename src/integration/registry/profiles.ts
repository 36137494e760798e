// The profiles an integration_system_config row names. Each one is behaviour defined here, so a
// row can only pick among what this farm version knows (the table's CHECK constraints list the
// same values: contracts/enum-map.yaml).
import type { Config } from '../../platform/config.ts';

/** Where the credential comes from: the farm's own variables (CRM_API_KEY, …) or the tenant's secret (credentials.ts). */
export const AUTH_PROFILES = ['SHARED', 'TENANT'] as const;
export type AuthProfile = (typeof AUTH_PROFILES)[number];

/** STANDARD: the seed 000 §7.1 budget of the configuration; EXTENDED: three times the response timeout (slow legacy systems). */
export const TIMEOUT_PROFILES = ['STANDARD', 'EXTENDED'] as const;
export type TimeoutProfile = (typeof TIMEOUT_PROFILES)[number];

/** STANDARD: one immediate retry of a connection never made, workflow retries with backoff (outcome mapping). The only one so far. */
export const RETRY_PROFILES = ['STANDARD'] as const;
export type RetryProfile = (typeof RETRY_PROFILES)[number];

/** EXPLICIT: a capability is enabled only by its own enabled row; ALL: every capability of the system unless a row disables it. */
export const CAPABILITY_PROFILES = ['EXPLICIT', 'ALL'] as const;
export type CapabilityProfile = (typeof CAPABILITY_PROFILES)[number];

export interface Timeouts {
  readonly connectMs: number;
  readonly responseMs: number;
}

type TimeoutSettings = Pick<Config, 'EXTERNAL_CONNECT_TIMEOUT_MS' | 'EXTERNAL_RESPONSE_TIMEOUT_MS'>;

export function timeoutsOf(profile: TimeoutProfile, config: TimeoutSettings): Timeouts {
  const standard = { connectMs: config.EXTERNAL_CONNECT_TIMEOUT_MS, responseMs: config.EXTERNAL_RESPONSE_TIMEOUT_MS };
  return profile === 'EXTENDED' ? { ...standard, responseMs: 3 * standard.responseMs } : standard;
}

/** A STARTED attempt older than one call's whole budget (connect + response, twice for the immediate retry, plus margin) was abandoned. */
export const leaseMsFor = (t: Timeouts): number => 2 * (t.connectMs + t.responseMs) + 5_000;
