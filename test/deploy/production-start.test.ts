// A production start without its settings: each compiled entry point (what the image runs), under
// NODE_ENV=production with nothing else in its environment, exits with EX_CONFIG (78) before it
// connects to anything; stderr names every variable it lacks (secrets with their _FILE form), a
// fatal log line lists them, and there is no stack trace. Given what it needs, it starts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../support/farm-replica.ts';
import { createThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { EXIT_CONFIG } from '../../src/main/process-config.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

beforeAll(() => ensureBuilt(), 240_000);

function start(script: string, env: Record<string, string>, args: string[] = []) {
  // env -i: nothing of the test's environment leaks in (no PATH, no NODE_ENV=test)
  const run = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'main', `${script}.js`), ...args], { cwd: tmpdir(), env, encoding: 'utf8', timeout: 30_000 });
  const fatal = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: string; variables?: string[]; msg: string })
    .find((l) => l.level === 'fatal');
  return { status: run.status, stderr: run.stderr, fatal };
}

test.each([
  ['farm', ['DATABASE_URL', 'DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)', 'ZEEBE_GRPC_ADDRESS', 'CAMUNDA_AUTH_STRATEGY', 'KAFKA_BROKERS', 'CRM_URL', 'CRM_API_KEY (or CRM_API_KEY_FILE)', 'PROVISIONING_SIGNING_SECRETS (or PROVISIONING_SIGNING_SECRETS_FILE)']],
  ['intake', ['DATABASE_URL', 'DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)', 'ZEEBE_GRPC_ADDRESS', 'API_JWKS_URL', 'API_TOKEN_ISSUER', 'API_TOKEN_URL', 'PROVISIONING_SIGNING_SECRETS (or PROVISIONING_SIGNING_SECRETS_FILE)']],
  ['relay', ['DATABASE_URL', 'DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)', 'KAFKA_BROKERS']],
  ['ops', ['DATABASE_URL', 'DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)', 'ZEEBE_GRPC_ADDRESS']],
  ['migrate', ['DATABASE_URL', 'DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)']],
])('node dist/src/main/%s.js with NODE_ENV=production and nothing else exits 78 naming what it lacks', (script, named) => {
  const run = start(script, { NODE_ENV: 'production' });
  expect(run.status).toBe(EXIT_CONFIG);
  expect(run.stderr).toMatch(new RegExp(`^${script}: refusing to start: invalid configuration for production \\(${script}\\):\\n`));
  for (const name of named) expect(run.stderr).toContain(`\n  ${name}: `);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.fatal?.variables).toEqual(expect.arrayContaining(named.map((n) => n.split(' ')[0])));
}, 60_000);

test('the refusal names a password in DATABASE_URL and a development secret without showing either', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'production-start-'));
  const devPassword = path.join(dir, 'database-password');
  writeFileSync(devPassword, 'farm\n');
  const run = start('migrate', { NODE_ENV: 'production', DATABASE_URL: 'postgres://farm:pw-in-url-51c8@db.internal:5432/fulfillment', DATABASE_PASSWORD_FILE: devPassword });
  expect(run.status).toBe(EXIT_CONFIG);
  expect(run.stderr).toContain('DATABASE_URL: holds a password; give the URL without it and the password as DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE)');
  expect(run.stderr).toContain('DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE): holds a development value');
  expect(run.stderr + JSON.stringify(run.fatal)).not.toContain('pw-in-url-51c8');
}, 60_000);

test('given its settings (the password from a file, none in the URL), a production migrate runs', async () => {
  const pg = await createThrowawayPostgres();
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'production-start-'));
    const password = path.join(dir, 'database-password');
    writeFileSync(password, 'a-production-password-8d2f\n');
    const run = start('migrate', { NODE_ENV: 'production', DATABASE_URL: pg.url, DATABASE_PASSWORD_FILE: password });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  } finally {
    pg.remove();
  }
}, 120_000);
