// Applies the SQL files in migrations/ with node-pg-migrate (advisory-locked, so concurrent farm
// replicas starting together apply each migration exactly once).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { loadConfig, type Config } from './config.ts';
import { pgClientConfig } from './database-connection.ts';

// src/platform/ when run from the sources, dist/src/platform/ when compiled: the nearest migrations/ above
const projectDirOf = (dir: string): string => (existsSync(path.join(dir, 'migrations')) || path.dirname(dir) === dir ? dir : projectDirOf(path.dirname(dir)));
export const MIGRATIONS_DIR = path.join(projectDirOf(path.resolve(import.meta.dirname, '..', '..')), 'migrations');

export interface MigrationReport {
  readonly applied: readonly string[];
}

export async function migrate(config: Config = loadConfig(), log: (msg: string) => void = () => undefined): Promise<MigrationReport> {
  const ran = await runner({
    databaseUrl: pgClientConfig(config), // the password as a field, not inside a URL
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'schema_migration',
    checkOrder: true,
    // replicas starting together queue on the lock (the default, 'fail', stops all but the first)
    advisoryLockMode: 'wait',
    log,
    verbose: false,
  });
  return { applied: ran.map((m) => m.name) };
}
