// NODE_ENV=production: each process refuses the development defaults it depends on, missing and
// development secrets, passwords in URLs and API_AUTH=off, naming every variable (never a value);
// a development start needs nothing and keeps working as before.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, DEVELOPMENT_CREDENTIALS, loadConfig, type ConfigPurpose } from './config.ts';
import { CONFIG_PURPOSES } from './production-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'production-config-'));
const secretFile = (name: string, content: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, `${content}\n`);
  return file;
};

/** Values no default has, and no development credential. */
const SECRETS = {
  DATABASE_PASSWORD: 'prod-db-pw-7f3a',
  CRM_API_KEY: 'prod-crm-key-91c2',
  INVENTORY_TOKEN: 'prod-inventory-44de',
  PROVISIONING_PASSWORD: 'prod-provisioning-0b7e',
  BILLING_TOKEN: 'prod-billing-3c19',
  NOTIFICATION_API_KEY: 'prod-notify-e820',
  PROVISIONING_SIGNING_SECRETS: 'prod-signing-secret-5d6f0a9b',
  ZEEBE_CLIENT_SECRET: 'prod-zeebe-secret-a1b2',
};

const SETTINGS = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://fulfillment@db.internal:5432/fulfillment',
  ZEEBE_GRPC_ADDRESS: 'grpcs://zeebe.internal:26500',
  ZEEBE_REST_ADDRESS: 'https://zeebe.internal:8080',
  CAMUNDA_AUTH_STRATEGY: 'OAUTH',
  CAMUNDA_OAUTH_URL: 'https://login.internal/oauth/token',
  ZEEBE_CLIENT_ID: 'fulfillment-farm',
  KAFKA_BROKERS: 'kafka-0.internal:9092',
  CRM_URL: 'https://crm.internal/crm',
  INVENTORY_URL: 'https://inventory.internal/inventory',
  PROVISIONING_URL: 'https://provisioning.internal/provisioning',
  BILLING_URL: 'https://billing.internal/billing',
  NOTIFICATION_URL: 'https://notification.internal/notify',
  PROVISIONING_CALLBACK_URL: 'https://intake.internal/callbacks/provisioning',
  PROVISIONING_USERNAME: 'fulfillment-farm',
  API_JWKS_URL: 'https://login.internal/.well-known/jwks.json',
  API_TOKEN_ISSUER: 'https://login.internal',
  API_TOKEN_URL: 'https://login.internal/oauth/token',
};
const production = { ...SETTINGS, ...SECRETS };

function refusal(env: NodeJS.ProcessEnv, purpose?: ConfigPurpose): ConfigError {
  try {
    loadConfig(env, purpose);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

const DATABASE = ['DATABASE_URL', 'DATABASE_PASSWORD'];
const ENGINE = ['ZEEBE_GRPC_ADDRESS', 'ZEEBE_REST_ADDRESS', 'CAMUNDA_AUTH_STRATEGY'];
const EXTERNAL = ['CRM_URL', 'INVENTORY_URL', 'PROVISIONING_URL', 'BILLING_URL', 'NOTIFICATION_URL', 'PROVISIONING_CALLBACK_URL', 'PROVISIONING_USERNAME', 'CRM_API_KEY', 'INVENTORY_TOKEN', 'PROVISIONING_PASSWORD', 'BILLING_TOKEN', 'NOTIFICATION_API_KEY'];

test.each([
  ['migrate', DATABASE],
  ['relay', [...DATABASE, 'KAFKA_BROKERS']],
  ['ops', [...DATABASE, ...ENGINE]],
  ['intake', [...DATABASE, ...ENGINE, 'API_JWKS_URL', 'API_TOKEN_ISSUER', 'API_TOKEN_URL', 'PROVISIONING_SIGNING_SECRETS']],
  ['farm', [...DATABASE, ...ENGINE, ...EXTERNAL, 'PROVISIONING_SIGNING_SECRETS', 'KAFKA_BROKERS']],
] as const)('production %s with nothing set names every variable it needs, in one message', (purpose, expected) => {
  const err = refusal({ NODE_ENV: 'production' }, purpose);
  expect([...err.variables].sort()).toEqual([...expected].sort());
  for (const name of expected) expect(err.message).toContain(`  ${name}`);
  expect(err.message).toMatch(new RegExp(`^invalid configuration for production \\(${purpose}\\):`));
  // secrets may come from files: the message says so
  expect(err.message).toContain('DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE): not set');
});

test('a farm without its event side does not need Kafka', () => {
  expect(refusal({ NODE_ENV: 'production', FARM_EVENTS: 'off' }, 'farm').variables).not.toContain('KAFKA_BROKERS');
});

test('code reading the settings again inside a running process (no purpose) is not refused its defaults; a password in a URL still is', () => {
  // e.g. the intake's inbox limits: the intake, checked as such, holds no farm credentials
  const intake = { ...production, CRM_API_KEY: undefined, BILLING_TOKEN: undefined };
  expect(() => loadConfig(intake, 'intake')).not.toThrow();
  expect(loadConfig(intake).INBOX_MAX_ATTEMPTS).toBeGreaterThan(0);
  expect(refusal({ ...intake, DATABASE_URL: 'postgres://u:p@db.internal/fulfillment' }).variables).toEqual(['DATABASE_URL']);
});

test.each(CONFIG_PURPOSES)('production %s starts with every setting given explicitly', (purpose) => {
  const config = loadConfig(production, purpose);
  expect(config.DATABASE_PASSWORD).toBe(SECRETS.DATABASE_PASSWORD);
  expect(config.CRM_API_KEY).toBe(SECRETS.CRM_API_KEY);
});

test('a secret explicitly set to a development value is refused, each one named, no value shown', () => {
  const err = refusal({
    ...production,
    CRM_API_KEY: DEVELOPMENT_CREDENTIALS.CRM_API_KEY,
    DATABASE_PASSWORD: DEVELOPMENT_CREDENTIALS.DATABASE_PASSWORD,
    // rotation: the new secret is fine, the development one beside it is not
    PROVISIONING_SIGNING_SECRETS: `another-signing-secret-1234,${DEVELOPMENT_CREDENTIALS.PROVISIONING_SIGNING_SECRETS}`,
  }, 'farm');
  expect([...err.variables].sort()).toEqual(['CRM_API_KEY', 'DATABASE_PASSWORD', 'PROVISIONING_SIGNING_SECRETS']);
  expect(err.message).toContain('CRM_API_KEY (or CRM_API_KEY_FILE): holds a development value');
  for (const value of Object.values(DEVELOPMENT_CREDENTIALS)) expect(err.message).not.toContain(`: ${value}`);
  expect(err.message).not.toContain('dev-crm-key');
});

test('every secret may come from <NAME>_FILE, and a production start from files succeeds', () => {
  const fromFiles = Object.fromEntries(Object.entries(SECRETS).map(([name, value]) => [`${name}_FILE`, secretFile(name.toLowerCase(), value)]));
  const config = loadConfig({ ...SETTINGS, ...fromFiles }, 'farm');
  expect(config).toMatchObject({ DATABASE_PASSWORD: SECRETS.DATABASE_PASSWORD, BILLING_TOKEN: SECRETS.BILLING_TOKEN, ZEEBE_CLIENT_SECRET: SECRETS.ZEEBE_CLIENT_SECRET });
  expect(config.PROVISIONING_SIGNING_SECRETS).toEqual([SECRETS.PROVISIONING_SIGNING_SECRETS]);
  // a development value in a file is refused as well
  const err = refusal({ ...production, BILLING_TOKEN: undefined, BILLING_TOKEN_FILE: secretFile('dev-billing', DEVELOPMENT_CREDENTIALS.BILLING_TOKEN) }, 'farm');
  expect(err.variables).toEqual(['BILLING_TOKEN']);
});

test('production refuses a password in DATABASE_URL and says where it goes; credentials in any other URL too', () => {
  const err = refusal({ ...production, DATABASE_URL: 'postgres://fulfillment:hunter2-db@db.internal:5432/fulfillment', CRM_URL: 'https://farm:crm-pass@crm.internal/crm' }, 'farm');
  expect([...err.variables].sort()).toEqual(['CRM_URL', 'DATABASE_URL']);
  expect(err.message).toContain('DATABASE_URL: holds a password; give the URL without it and the password as DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)');
  expect(err.message).toContain('CRM_URL: holds credentials in the URL');
  expect(err.message).not.toMatch(/hunter2|crm-pass/);
  // a user name alone in DATABASE_URL is where it belongs
  expect(() => loadConfig(production, 'migrate')).not.toThrow();
});

test('API_AUTH=off is refused by a production intake', () => {
  const err = refusal({ ...production, API_AUTH: 'off' }, 'intake');
  expect(err.variables).toEqual(['API_AUTH']);
  expect(err.message).toMatch(/API_AUTH: off is refused in production/);
  expect(loadConfig({ ...production, API_AUTH: 'jwt' }, 'intake').API_AUTH).toBe('jwt');
});

test('the Camunda credentials of the chosen strategy are named, with their _FILE form for secrets', () => {
  const err = refusal({ ...production, ZEEBE_CLIENT_SECRET: undefined, ZEEBE_CLIENT_ID: undefined }, 'ops');
  expect([...err.variables].sort()).toEqual(['ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET']);
  expect(err.message).toContain('ZEEBE_CLIENT_SECRET (or ZEEBE_CLIENT_SECRET_FILE): required when CAMUNDA_AUTH_STRATEGY=OAUTH');
  // NONE, set on purpose (an unprotected Self-Managed API), is accepted
  expect(loadConfig({ ...production, CAMUNDA_AUTH_STRATEGY: 'NONE' }, 'ops').CAMUNDA_AUTH_STRATEGY).toBe('NONE');
});

test('a bad value and a production refusal come in the same message', () => {
  const err = refusal({ NODE_ENV: 'production', LOG_LEVEL: 'loud' }, 'migrate');
  expect([...err.variables].sort()).toEqual(['DATABASE_PASSWORD', 'DATABASE_URL', 'LOG_LEVEL']);
});

describe('development (NODE_ENV unset, development or test)', () => {
  test.each([undefined, 'development', 'test'])('NODE_ENV=%s starts on the defaults with nothing set', (nodeEnv) => {
    const config = loadConfig(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }, 'farm');
    expect(config.CRM_API_KEY).toBe(DEVELOPMENT_CREDENTIALS.CRM_API_KEY);
    expect(config.DATABASE_URL).toBe('postgres://farm@127.0.0.1:55432/fulfillment');
    expect(config.DATABASE_PASSWORD).toBe(DEVELOPMENT_CREDENTIALS.DATABASE_PASSWORD);
    expect(loadConfig({ API_AUTH: 'off' }, 'intake').API_AUTH).toBe('off');
  });

  test('a password in DATABASE_URL is taken and moved out of the URL, which can then be printed', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://farm:s%40cret@127.0.0.1:55532/fulfillment' });
    expect(config.DATABASE_URL).toBe('postgres://farm@127.0.0.1:55532/fulfillment');
    expect(config.DATABASE_PASSWORD).toBe('s@cret');
  });

  test('a password in the URL and DATABASE_PASSWORD as well is refused: which one is meant?', () => {
    const err = refusal({ DATABASE_URL: 'postgres://farm:one@127.0.0.1:55432/fulfillment', DATABASE_PASSWORD: 'two' });
    expect(err.variables).toEqual(['DATABASE_URL']);
    expect(err.message).not.toMatch(/\bone\b|\btwo\b/);
  });
});
