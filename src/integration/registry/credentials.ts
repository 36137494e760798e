// Credentials per tenant and external system (seed 000 §25: from the secret store, never from code,
// never stored). A tenant whose system row says auth_profile TENANT uses its own secret, looked up
// in this order:
//   CREDENTIALS_<TENANT>_<SYSTEM>_FILE   path of a file holding the secret
//   CREDENTIALS_<TENANT>_<SYSTEM>        the secret itself
//   <CREDENTIALS_DIR>/<tenantId>/<system> a file, e.g. a Kubernetes Secret per tenant mounted there
// <TENANT> is the tenant id in upper case with every other character than A-Z and 0-9 as `_`
// (tenant-a: CREDENTIALS_TENANT_A_BILLING); <system> is crm, inventory, provisioning, billing or
// notification. The secret is what the system's scheme needs: the API key or token, or
// `user:password` for provisioning's Basic auth. auth_profile SHARED uses the farm's own variables
// (CRM_API_KEY, …). Lookups are cached briefly, so a rotated secret file is picked up without a
// restart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExternalSystem } from '../../core/ports/external-result.ts';
import type { AuthProfile } from './profiles.ts';

export type CredentialLookup =
  | { readonly kind: 'found'; readonly secret: string }
  /** `tried` names the places looked at (variable names and paths, never values) */
  | { readonly kind: 'missing'; readonly tried: readonly string[] };

export interface CredentialSources {
  /** where CREDENTIALS_* variables are read (process.env in the farm) */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** directory of per-tenant secret folders; undefined: not used */
  readonly dir?: string | undefined;
  /** the farm's own credentials per system (auth_profile SHARED) */
  readonly shared: Readonly<Record<ExternalSystem, string>>;
  readonly ttlMs: number;
  readonly now?: () => number;
}

export const tenantVariable = (tenantId: string, system: ExternalSystem): string => `CREDENTIALS_${tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${system}`;

export class CredentialStore {
  private readonly sources: CredentialSources;
  private readonly now: () => number;
  private readonly cache = new Map<string, { readonly expiresAt: number; readonly lookup: CredentialLookup }>();

  constructor(sources: CredentialSources) {
    this.sources = sources;
    this.now = sources.now ?? Date.now;
  }

  lookup(tenantId: string, system: ExternalSystem, profile: AuthProfile): CredentialLookup {
    if (profile === 'SHARED') return { kind: 'found', secret: this.sources.shared[system] };
    const key = `${tenantId}\u0000${system}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.lookup;
    const lookup = this.read(tenantId, system);
    if (this.sources.ttlMs > 0) this.cache.set(key, { expiresAt: this.now() + this.sources.ttlMs, lookup });
    return lookup;
  }

  private read(tenantId: string, system: ExternalSystem): CredentialLookup {
    const variable = tenantVariable(tenantId, system);
    const tried: string[] = [];
    const fileVar = this.sources.env[`${variable}_FILE`];
    tried.push(`${variable}_FILE`);
    if (fileVar) {
      const secret = readSecretFile(fileVar);
      if (secret) return { kind: 'found', secret };
      tried[tried.length - 1] = `${variable}_FILE (${fileVar} unreadable or empty)`;
    }
    tried.push(variable);
    const inline = this.sources.env[variable]?.trim();
    if (inline) return { kind: 'found', secret: inline };
    // a tenant id is letters, digits and . _ : - only; "." and ".." would leave the directory
    if (this.sources.dir && tenantId !== '.' && tenantId !== '..') {
      const file = path.join(this.sources.dir, tenantId, system.toLowerCase());
      tried.push(file);
      const secret = readSecretFile(file);
      if (secret) return { kind: 'found', secret };
    }
    return { kind: 'missing', tried };
  }
}

function readSecretFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
