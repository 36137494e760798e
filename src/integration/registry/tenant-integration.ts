// A tenant's rows of the adapter registry (integration_system_config, integration_capability, read
// by src/repositories/integration-config.ts), in the registry's vocabulary. A row this farm version cannot read (a profile it does not know) is an error naming the row, not a
// silently disabled system: the job fails and the message says what to fix.
import type { CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { capabilityRowsOf, systemConfigRowsOf } from '../../repositories/integration-config.ts';
import { EXTERNAL_SYSTEMS, type ExternalSystem } from '../../core/ports/external-result.ts';
import { CAPABILITY_CODES, type CapabilityCode } from './capabilities.ts';
import { AUTH_PROFILES, CAPABILITY_PROFILES, RETRY_PROFILES, TIMEOUT_PROFILES, type AuthProfile, type CapabilityProfile, type RetryProfile, type TimeoutProfile } from './profiles.ts';

export interface SystemConfigRow {
  readonly system: ExternalSystem;
  readonly enabled: boolean;
  readonly baseUrl: string;
  readonly authProfile: AuthProfile;
  readonly timeoutProfile: TimeoutProfile;
  readonly retryProfile: RetryProfile;
  readonly capabilityProfile: CapabilityProfile;
}

export interface CapabilityRow {
  readonly system: ExternalSystem;
  readonly capability: CapabilityCode;
  readonly enabled: boolean;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface TenantIntegration {
  readonly systems: readonly SystemConfigRow[];
  readonly capabilities: readonly CapabilityRow[];
}

export class IntegrationConfigError extends Error {
  override readonly name = 'IntegrationConfigError';
}

const systemRow = z.object({
  system_code: z.enum(EXTERNAL_SYSTEMS),
  enabled: z.boolean(),
  base_url: z.string(),
  auth_profile: z.enum(AUTH_PROFILES),
  timeout_profile: z.enum(TIMEOUT_PROFILES),
  retry_profile: z.enum(RETRY_PROFILES),
  capability_profile: z.enum(CAPABILITY_PROFILES),
});
const capabilityRow = z.object({ system_code: z.enum(EXTERNAL_SYSTEMS), capability_code: z.enum(CAPABILITY_CODES), enabled: z.boolean(), config: z.record(z.string(), z.unknown()) });

function parse<T>(schema: z.ZodType<T>, row: Readonly<Record<string, unknown>>, where: string): T {
  const r = schema.safeParse(row);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new IntegrationConfigError(`${where} cannot be read by this farm version (${issues}); fix the row or deploy a farm that knows the value`);
}

export async function loadTenantIntegration(db: CommonQueryMethods, tenantId: string): Promise<TenantIntegration> {
  const systems = await systemConfigRowsOf(db, tenantId);
  const capabilities = await capabilityRowsOf(db, tenantId);
  return {
    systems: systems.map((row) => {
      const r = parse(systemRow, row, `integration_system_config (${tenantId}, ${String(row.system_code)})`);
      return { system: r.system_code, enabled: r.enabled, baseUrl: r.base_url, authProfile: r.auth_profile, timeoutProfile: r.timeout_profile, retryProfile: r.retry_profile, capabilityProfile: r.capability_profile };
    }),
    capabilities: capabilities.map((row) => {
      const r = parse(capabilityRow, row, `integration_capability (${tenantId}, ${String(row.system_code)}, ${String(row.capability_code)})`);
      return { system: r.system_code, capability: r.capability_code, enabled: r.enabled, config: r.config };
    }),
  };
}
