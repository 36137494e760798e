// How every client of the database connects: the URL says where (it carries no password once
// loadConfig has read it), the password travels on its own to the driver, as a field, never
// written into a connection string that an error message or a log line could quote. A password
// that is not the development one is registered with the redaction policy, so no log line shows it.
import type { ClientConfig } from 'pg';
import { parseDsn } from 'slonik';
import { DEVELOPMENT_CREDENTIALS, type Config } from './config.ts';
import { registerSecretValues } from './redaction.ts';

export interface DatabaseConnection {
  /** DATABASE_URL without a password: safe to print */
  readonly url: string;
  readonly password: string | undefined;
}

type DatabaseSettings = Pick<Config, 'DATABASE_URL' | 'DATABASE_PASSWORD'>;

/**
 * The URL and the password apart. A password still in the URL (a test that put one there after
 * loadConfig) is the one meant for that URL, so it wins over DATABASE_PASSWORD.
 */
export function databaseConnection(config: DatabaseSettings): DatabaseConnection {
  const url = new URL(config.DATABASE_URL);
  const password = url.password ? decodeURIComponent(url.password) : config.DATABASE_PASSWORD;
  url.password = '';
  // the development password ('farm') is also the user's name and a word of many log lines: left readable
  if (password && password !== DEVELOPMENT_CREDENTIALS.DATABASE_PASSWORD) registerSecretValues([password]);
  return { url: url.toString(), password };
}

/** The URL for a message or a log line: no password, whatever the caller holds. */
export function printableDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    return url.toString();
  } catch {
    return '(DATABASE_URL that is not a URL)';
  }
}

/**
 * Options of a plain pg client (LISTEN, the migration runner, the stack's admin queries). pg
 * parses a connectionString over any separate password, so the URL is taken apart here, as
 * slonik's own driver does for the pool.
 */
export function pgClientConfig(config: DatabaseSettings, overrides: { readonly database?: string; readonly applicationName?: string } = {}): ClientConfig {
  const { url, password } = databaseConnection(config);
  const dsn = parseDsn(url);
  const database = overrides.database ?? dsn.databaseName;
  const applicationName = overrides.applicationName ?? dsn.applicationName;
  const client: ClientConfig = {
    ...(dsn.host === undefined ? {} : { host: dsn.host }),
    ...(dsn.port === undefined ? {} : { port: dsn.port }),
    ...(dsn.username === undefined ? {} : { user: dsn.username }),
    ...(password === undefined ? {} : { password }),
    ...(database === undefined ? {} : { database }),
    ...(applicationName === undefined ? {} : { application_name: applicationName }),
    ...(dsn.options === undefined ? {} : { options: dsn.options }),
  };
  if (dsn.ssl) return { ...client, ssl: dsn.ssl };
  if (dsn.sslMode === 'require') return { ...client, ssl: true };
  if (dsn.sslMode === 'no-verify') return { ...client, ssl: { rejectUnauthorized: false } };
  return client;
}
