// Benches measure against a PostgreSQL that syncs its WAL, as production does: the tests' stack
// runs fsync=off (STACK_POSTGRES_FSYNC=on turns it on, stack/settings.ts). A bench refuses to
// measure without it, unless told to (--allow-fsync-off), and then marks every figure.
import pg from 'pg';
import { loadConfig } from '../../src/platform/config.ts';
import { pgClientConfig } from '../../src/platform/database-connection.ts';

export interface Durability {
  readonly fsync: string;
  readonly synchronousCommit: string;
  readonly fullPageWrites: string;
}

export async function postgresDurability(connection: pg.ClientConfig = pgClientConfig(loadConfig())): Promise<Durability> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>("select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes')");
    const get = (name: string) => rows.find((r) => r.name === name)?.setting ?? '?';
    return { fsync: get('fsync'), synchronousCommit: get('synchronous_commit'), fullPageWrites: get('full_page_writes') };
  } finally {
    await client.end();
  }
}

export const RESTART_WITH_FSYNC = 'STACK_POSTGRES_FSYNC=on npm run -s stack:restart -- postgres';

/** Exits the bench when fsync is off, unless allowed; returns the settings for the result file. */
export async function requireFsync(allowOff: boolean): Promise<Durability & { readonly valid: boolean }> {
  const d = await postgresDurability();
  if (d.fsync === 'on') return { ...d, valid: true };
  if (!allowOff) {
    console.error(`PostgreSQL runs with fsync=${d.fsync}: figures would not be production's. Restart it with fsync on when nobody else uses the stack:\n  ${RESTART_WITH_FSYNC}\nor pass --allow-fsync-off to try the bench (its figures are then marked as not valid).`);
    process.exit(1);
  }
  console.log(`\n*** PostgreSQL fsync=${d.fsync}: a trial, not a measurement (every figure below is marked fsync off) ***\n`);
  return { ...d, valid: false };
}
