// Test support: a tenant's adapter registry rows (integration_system_config, integration_capability),
// by default like the seeded tenant-a (every system at the configured URL with the farm's
// credential, every capability enabled), with the overrides a test needs.
import { sql, type CommonQueryMethods } from 'slonik';
import { EXTERNAL_SYSTEMS, type ExternalSystem } from '../../src/core/ports/external-result.ts';
import { CAPABILITY_CODES, systemOf, type CapabilityCode } from '../../src/integration/registry/capabilities.ts';
import type { SystemConfigRow } from '../../src/integration/registry/tenant-integration.ts';

export interface TenantSetup {
  readonly systems?: Partial<Record<ExternalSystem, Partial<Omit<SystemConfigRow, 'system'>>>>;
  /** capabilities with a row saying enabled = false (the others: enabled) */
  readonly disabled?: readonly CapabilityCode[];
}

export async function configureTenant(db: CommonQueryMethods, tenantId: string, setup: TenantSetup = {}): Promise<void> {
  for (const system of EXTERNAL_SYSTEMS) {
    const s = setup.systems?.[system] ?? {};
    await db.query(sql.unsafe`
      insert into integration_system_config (tenant_id, system_code, enabled, base_url, auth_profile, timeout_profile, retry_profile, capability_profile)
      values (${tenantId}, ${system}, ${s.enabled ?? true}, ${s.baseUrl ?? `config:${system}_URL`}, ${s.authProfile ?? 'SHARED'}, ${s.timeoutProfile ?? 'STANDARD'}, ${s.retryProfile ?? 'STANDARD'}, ${s.capabilityProfile ?? 'EXPLICIT'})`);
  }
  for (const capability of CAPABILITY_CODES) await setCapability(db, tenantId, capability, !setup.disabled?.includes(capability));
}

export async function setCapability(db: CommonQueryMethods, tenantId: string, capability: CapabilityCode, enabled: boolean): Promise<void> {
  await db.query(sql.unsafe`
    insert into integration_capability (tenant_id, system_code, capability_code, enabled, config)
    values (${tenantId}, ${systemOf(capability)}, ${capability}, ${enabled}, '{}')
    on conflict (tenant_id, system_code, capability_code) do update set enabled = excluded.enabled`);
}

export async function removeTenant(db: CommonQueryMethods, tenantId: string): Promise<void> {
  await db.query(sql.unsafe`delete from integration_capability where tenant_id = ${tenantId}`);
  await db.query(sql.unsafe`delete from integration_system_config where tenant_id = ${tenantId}`);
}
