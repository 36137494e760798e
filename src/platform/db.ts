// The database pool (slonik on pg). One pool per process; callers receive it, never create it.
import { createPool, type DatabasePool } from 'slonik';
import { loadConfig, type Config } from './config.ts';
import { databaseConnection } from './database-connection.ts';
import { rowParser } from './row-parser.ts';
import { storableTextValues } from './storable-text.ts';

export type { DatabasePool };

export async function createDatabasePool(config: Config = loadConfig(), name = 'farm'): Promise<DatabasePool> {
  // the password goes to the driver as a field of its own, never inside the connection string
  const connection = databaseConnection(config);
  return createPool(connection.url, {
    ...(connection.password === undefined ? {} : { password: connection.password }),
    poolName: name,
    maxPoolSize: config.DATABASE_POOL_SIZE,
    connectionTimeout: 5_000,
    statementTimeout: 30_000,
    idleInTransactionSessionTimeout: 30_000,
    // sql.type(schema) is enforced, not a cast (row-parser.ts); NUL never reaches a statement (storable-text.ts)
    interceptors: [storableTextValues, rowParser],
    // slonik's default reset runs DISCARD ALL on every release: one extra round trip per query
    // outside a transaction (about 4.5 per job, measured by bench:overhead). The farm keeps no
    // session state on pooled connections (no SET, temp tables or session locks; the relay's
    // advisory lock and LISTEN use their own client), so there is nothing to reset.
    resetConnection: async () => {},
  });
}
