// integration_system_config and integration_capability: a tenant's rows of the adapter registry.
// Every SQL text naming the tables is here. Rows come back as stored: reading them into profiles
// and capability codes (and refusing a row this farm version cannot read) is the registry's
// (src/integration/registry/tenant-integration.ts), which knows those vocabularies.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** A row as stored, column name → value. */
export type StoredRow = Readonly<Record<string, unknown>>;

// The columns' storage types; the values' vocabularies (profiles, capability codes) are the registry's.
const systemConfigRow = z.object({
  system_code: z.string(),
  enabled: z.boolean(),
  base_url: z.string(),
  auth_profile: z.string(),
  timeout_profile: z.string(),
  retry_profile: z.string(),
  capability_profile: z.string(),
});
const capabilityRow = z.object({ system_code: z.string(), capability_code: z.string(), enabled: z.boolean(), config: z.unknown() });

/** The tenant's system rows: system_code, enabled, base_url and the four profiles. */
export async function systemConfigRowsOf(db: CommonQueryMethods, tenantId: string): Promise<readonly StoredRow[]> {
  return db.any(sql.type(systemConfigRow)`
    select system_code, enabled, base_url, auth_profile, timeout_profile, retry_profile, capability_profile
    from integration_system_config where tenant_id = ${tenantId}`);
}

/** The tenant's capability rows: system_code, capability_code, enabled, config. */
export async function capabilityRowsOf(db: CommonQueryMethods, tenantId: string): Promise<readonly StoredRow[]> {
  return db.any(sql.type(capabilityRow)`
    select system_code, capability_code, enabled, config from integration_capability where tenant_id = ${tenantId}`);
}
