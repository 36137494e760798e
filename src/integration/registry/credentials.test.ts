import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CredentialStore, tenantVariable } from './credentials.ts';

const shared = { CRM: 'shared-crm', INVENTORY: 'shared-inv', PROVISIONING: 'farm:shared-prov', BILLING: 'shared-bil', NOTIFICATION: 'shared-not' } as const;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'credentials-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const secretFile = (rel: string, content: string) => {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
};

test('variable names: tenant id upper-cased, everything but letters and digits as _', () => {
  expect(tenantVariable('tenant-a', 'BILLING')).toBe('CREDENTIALS_TENANT_A_BILLING');
  expect(tenantVariable('acme.co:eu', 'CRM')).toBe('CREDENTIALS_ACME_CO_EU_CRM');
});

test('SHARED uses the farm credential whatever the tenant has', () => {
  const store = new CredentialStore({ env: { CREDENTIALS_T1_BILLING: 'own' }, shared, ttlMs: 0 });
  expect(store.lookup('t1', 'BILLING', 'SHARED')).toEqual({ kind: 'found', secret: 'shared-bil' });
});

test('TENANT: the _FILE variable first, then the variable, then the secrets directory (trailing newline trimmed)', () => {
  secretFile('t1/billing', 'from-dir\n');
  const file = secretFile('elsewhere/bil', 'from-file\n');
  const lookup = (env: Record<string, string>) => new CredentialStore({ env, dir, shared, ttlMs: 0 }).lookup('t1', 'BILLING', 'TENANT');
  expect(lookup({ CREDENTIALS_T1_BILLING_FILE: file, CREDENTIALS_T1_BILLING: 'from-env' })).toEqual({ kind: 'found', secret: 'from-file' });
  expect(lookup({ CREDENTIALS_T1_BILLING: 'from-env' })).toEqual({ kind: 'found', secret: 'from-env' });
  expect(lookup({})).toEqual({ kind: 'found', secret: 'from-dir' });
});

test('missing: names every place looked at, never a value, and no shared fallback', () => {
  const store = new CredentialStore({ env: { CREDENTIALS_T1_BILLING_FILE: path.join(dir, 'gone') }, dir, shared, ttlMs: 0 });
  const r = store.lookup('t1', 'BILLING', 'TENANT');
  expect(r).toEqual({ kind: 'missing', tried: [`CREDENTIALS_T1_BILLING_FILE (${path.join(dir, 'gone')} unreadable or empty)`, 'CREDENTIALS_T1_BILLING', path.join(dir, 't1', 'billing')] });
});

test('a tenant id of . or .. never reads outside the secrets directory', () => {
  secretFile('billing', 'not-a-tenant-secret');
  const store = new CredentialStore({ env: {}, dir: path.join(dir, 'tenants'), shared, ttlMs: 0 });
  expect(store.lookup('..', 'BILLING', 'TENANT').kind).toBe('missing');
});

test('a rotated secret file is read again once the cached lookup expires', () => {
  const clock = { now: 0 };
  secretFile('t1/crm', 'first');
  const store = new CredentialStore({ env: {}, dir, shared, ttlMs: 1_000, now: () => clock.now });
  expect(store.lookup('t1', 'CRM', 'TENANT')).toEqual({ kind: 'found', secret: 'first' });
  secretFile('t1/crm', 'second');
  clock.now = 500;
  expect(store.lookup('t1', 'CRM', 'TENANT')).toEqual({ kind: 'found', secret: 'first' });
  clock.now = 1_000;
  expect(store.lookup('t1', 'CRM', 'TENANT')).toEqual({ kind: 'found', secret: 'second' });
});
