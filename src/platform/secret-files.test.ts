import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, configSchema, loadConfig } from './config.ts';
import { CONFIG_PURPOSES } from './production-config.ts';
import { FILE_SETTINGS, resolveSecretFiles, SECRET_SETTINGS } from './secret-files.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'secret-files-'));
const secret = (name: string, content: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

test('a credential given as <NAME>_FILE is read from the file (a mounted Secret), trailing newline dropped', () => {
  const config = loadConfig({
    BILLING_TOKEN_FILE: secret('billing-token', 's3cr3t-billing\n'),
    DATABASE_URL_FILE: secret('database-url', 'postgres://farm:pw@db.internal:5432/fulfillment'),
  });
  expect(config.BILLING_TOKEN).toBe('s3cr3t-billing');
  // outside production a password in the URL is taken, and kept apart from it
  expect(config.DATABASE_URL).toBe('postgres://farm@db.internal:5432/fulfillment');
  expect(config.DATABASE_PASSWORD).toBe('pw');
  expect(config.CRM_API_KEY).toBe('dev-crm-key');
});

test('a missing or empty file, or both forms at once, stop the configuration and name the variable, not the value', () => {
  const bad = () =>
    loadConfig({
      CRM_API_KEY_FILE: path.join(dir, 'nope'),
      INVENTORY_TOKEN_FILE: secret('empty', '\n'),
      NOTIFICATION_API_KEY: 'inline-value',
      NOTIFICATION_API_KEY_FILE: secret('notify', 'file-value'),
    });
  expect(bad).toThrow(ConfigError);
  expect(bad).toThrow(/CRM_API_KEY_FILE: cannot read .*nope \(ENOENT\)/);
  expect(bad).toThrow(/INVENTORY_TOKEN_FILE: .*empty is empty/);
  expect(bad).toThrow(/NOTIFICATION_API_KEY: give NOTIFICATION_API_KEY or NOTIFICATION_API_KEY_FILE, not both/);
  expect(bad).not.toThrow(/inline-value|file-value/);
});

test('only credentials may come from files; other _FILE variables are left alone', () => {
  const r = resolveSecretFiles({ LOG_LEVEL_FILE: '/etc/passwd' }, () => {
    throw new Error('must not read');
  });
  expect(r).toEqual({ kind: 'ok', env: { LOG_LEVEL_FILE: '/etc/passwd' } });
});

test('every credential is a setting of the configuration, and every one production asks for can come from a file', () => {
  for (const name of SECRET_SETTINGS) expect(Object.keys(configSchema.shape)).toContain(name);
  // every credential named by a production refusal, with its _FILE form
  let message = '';
  for (const purpose of CONFIG_PURPOSES) {
    try {
      loadConfig({ NODE_ENV: 'production', CAMUNDA_AUTH_STRATEGY: 'OAUTH' }, purpose);
    } catch (err) {
      message += (err as Error).message;
    }
  }
  const offeredAsFiles = [...message.matchAll(/ (\w+) \(or \1_FILE\)/g)].map((m) => m[1]);
  expect(offeredAsFiles.length).toBeGreaterThan(5);
  for (const name of offeredAsFiles) expect(FILE_SETTINGS).toContain(name);
  expect([...FILE_SETTINGS].sort()).toEqual([...SECRET_SETTINGS, 'DATABASE_URL'].sort());
});
