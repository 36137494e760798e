import { ConfigError, addressPort, loadConfig, redactConfiguredSecrets } from './config.ts';
import { redactText } from './redaction.ts';

test('defaults point at the local stack', () => {
  const c = loadConfig({});
  expect(c.ZEEBE_GRPC_ADDRESS).toBe('grpc://127.0.0.1:26500');
  expect(c.DATABASE_URL).toBe('postgres://farm@127.0.0.1:55432/fulfillment');
  expect(c.DATABASE_PASSWORD).toBe('farm');
  expect(c.KAFKA_BROKERS).toEqual(['127.0.0.1:19092']);
  expect(c.ZEEBE_REST_ADDRESS).toBe('http://127.0.0.1:8080');
  expect(c.CAMUNDA_AUTH_STRATEGY).toBe('NONE');
});

test('OAUTH names every credential it lacks, and takes the SDK\'s own variable names', () => {
  expect(() => loadConfig({ CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_ID: 'farm' })).toThrow(/CAMUNDA_OAUTH_URL[\s\S]*ZEEBE_CLIENT_SECRET/);
  const c = loadConfig({
    CAMUNDA_AUTH_STRATEGY: 'OAUTH',
    CAMUNDA_OAUTH_URL: 'https://login.example.com/oauth/token',
    ZEEBE_CLIENT_ID: 'farm',
    ZEEBE_CLIENT_SECRET: 'secret',
    CAMUNDA_TOKEN_AUDIENCE: 'zeebe.camunda.io',
  });
  expect(c).toMatchObject({ CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_ID: 'farm', CAMUNDA_TOKEN_AUDIENCE: 'zeebe.camunda.io' });
});

test('the session login of the old local stack is gone', () => {
  expect(() => loadConfig({ CAMUNDA_AUTH_STRATEGY: 'COOKIE' })).toThrow(/CAMUNDA_AUTH_STRATEGY/);
});

test('a comma-separated broker list is split and trimmed', () => {
  expect(loadConfig({ KAFKA_BROKERS: 'a:1, b:2' }).KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
});

test('every bad variable is named in one error', () => {
  const attempt = () => loadConfig({ LOG_LEVEL: 'loud', KAFKA_BROKERS: 'nohostport', ZEEBE_GRPC_ADDRESS: 'http://x:1' });
  expect(attempt).toThrow(ConfigError);
  try {
    attempt();
  } catch (err) {
    const msg = (err as Error).message;
    expect(msg).toMatch(/LOG_LEVEL/);
    expect(msg).toMatch(/KAFKA_BROKERS/);
    expect(msg).toMatch(/ZEEBE_GRPC_ADDRESS/);
  }
});

test('addressPort reads ports of http and grpc addresses', () => {
  expect(addressPort('grpc://127.0.0.1:26500')).toBe(26500);
  expect(addressPort('http://127.0.0.1:8080')).toBe(8080);
  expect(() => addressPort('http://example')).toThrow(/no explicit port/);
});

test('the credentials in use are registered with redaction; the public development ones are not', () => {
  const config = loadConfig({ ZEEBE_CLIENT_SECRET: 'zeebe-canary-77f1', PROVISIONING_SIGNING_SECRETS: 'signing-canary-0123456789,second-canary-0123456789', DATABASE_PASSWORD: 'db-canary-5e2a' });
  redactConfiguredSecrets(config);
  const text = 'echoed zeebe-canary-77f1 signing-canary-0123456789 second-canary-0123456789 db-canary-5e2a dev-crm-key farm';
  expect(redactText(text)).toBe('echoed <redacted> <redacted> <redacted> <redacted> dev-crm-key farm');
});
