// The database password reaches the driver as a field of its own, never inside a connection string,
// and once in use it is scrubbed from free text (log lines, error messages).
import { databaseConnection, pgClientConfig, printableDatabaseUrl } from './database-connection.ts';
import { redactText } from './redaction.ts';

test('the URL and the password travel apart; a password left in the URL is the one meant for it', () => {
  expect(databaseConnection({ DATABASE_URL: 'postgres://farm@db.internal:5432/fulfillment', DATABASE_PASSWORD: 'pw-from-setting' })).toEqual({
    url: 'postgres://farm@db.internal:5432/fulfillment',
    password: 'pw-from-setting',
  });
  expect(databaseConnection({ DATABASE_URL: 'postgres://farm:in%2Furl@db.internal:5432/fulfillment', DATABASE_PASSWORD: 'pw-from-setting' })).toEqual({
    url: 'postgres://farm@db.internal:5432/fulfillment',
    password: 'in/url',
  });
});

test('a plain pg client gets the parts of the URL and the password as fields, no connection string', () => {
  const client = pgClientConfig({ DATABASE_URL: 'postgres://farm@db.internal:6543/fulfillment?sslmode=require&application_name=x', DATABASE_PASSWORD: 'pg-client-pw-1' }, { database: 'postgres' });
  expect(client).toEqual({ host: 'db.internal', port: 6543, user: 'farm', password: 'pg-client-pw-1', database: 'postgres', application_name: 'x', ssl: true });
  expect(JSON.stringify(client)).not.toMatch(/postgres:\/\//);
});

test('a password in use is scrubbed from log text; the development one (also the user name) is left readable', () => {
  databaseConnection({ DATABASE_URL: 'postgres://farm@db.internal:5432/fulfillment', DATABASE_PASSWORD: 'pw-9c1e-canary' });
  expect(redactText('password authentication failed (pw-9c1e-canary)')).not.toContain('pw-9c1e-canary');
  databaseConnection({ DATABASE_URL: 'postgres://farm@db.internal:5432/fulfillment', DATABASE_PASSWORD: 'farm' });
  expect(redactText('farm ready')).toBe('farm ready');
});

test('a URL printed for a person carries no password', () => {
  expect(printableDatabaseUrl('postgres://farm:secret-pw@127.0.0.1:55432/fulfillment')).toBe('postgres://farm@127.0.0.1:55432/fulfillment');
  expect(printableDatabaseUrl('not a url')).not.toContain('not a url');
});
