// A throwaway PostgreSQL cluster (initdb + postgres from the machine's server binaries).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { pgClientConfig } from '../../src/platform/database-connection.ts';
import type { Component } from '../component.ts';
import { assertPortsFree, giveTo, runningPid, serviceAccount, startDetached, stopRecorded, waitFor } from '../proc.ts';
import { requirePostgresBin } from '../prereq.ts';
import type { StackSettings } from '../settings.ts';

const paths = (s: StackSettings) => {
  const dir = path.join(s.dir, 'postgres');
  return { dir, data: path.join(dir, 'data'), run: path.join(dir, 'run'), log: path.join(dir, 'logs', 'postgres.log'), pid: path.join(dir, 'pid') };
};

/** The maintenance database, as the app's user (the password travels apart from the URL). */
const admin = (s: StackSettings): pg.ClientConfig => pgClientConfig(s.config, { database: 'postgres' });

async function query<T extends pg.QueryResultRow>(connection: pg.ClientConfig, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ ...connection, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function ensureDatabase(s: StackSettings, name: string): Promise<void> {
  const rows = await query(admin(s), 'select 1 from pg_database where datname = $1', [name]);
  if (rows.length === 0) await query(admin(s), `create database "${name.replaceAll('"', '""')}"`);
}

/** fsync off (the default) is for fast tests only; full-page writes go with it, as a crash-safe server needs both. */
const durability = (s: StackSettings): string[] => (s.postgresFsync ? ['-c', 'fsync=on', '-c', 'full_page_writes=on'] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']);

export const postgres: Component = {
  name: 'postgres',
  async fetch() {
    requirePostgresBin();
  },
  async up(s) {
    const p = paths(s);
    const bin = requirePostgresBin();
    const account = serviceAccount();
    const db = new URL(s.config.DATABASE_URL);
    if (runningPid(p.pid) === undefined) {
      await assertPortsFree('postgres', { 'DATABASE_URL (port)': s.ports.postgres });
      giveTo(account, p.dir, p.run, path.dirname(p.log));
      if (!existsSync(path.join(p.data, 'PG_VERSION'))) {
        const pwfile = path.join(p.dir, '.pwfile');
        writeFileSync(pwfile, s.config.DATABASE_PASSWORD + '\n', { mode: 0o600 });
        giveTo(account, pwfile);
        const asAccount = account ? ['runuser', '-u', account.name, '--'] : [];
        const initdb = [path.join(bin, 'initdb'), '-D', p.data, '-U', decodeURIComponent(db.username), `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'];
        const [cmd, ...args] = [...asAccount, ...initdb];
        try {
          execFileSync(cmd as string, args, { stdio: ['ignore', 'ignore', 'inherit'] });
        } finally {
          rmSync(pwfile, { force: true });
        }
      }
      startDetached({
        command: path.join(bin, 'postgres'),
        args: ['-D', p.data, '-p', String(s.ports.postgres), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${p.run}`, '-c', 'max_connections=300', ...durability(s)],
        cwd: p.dir,
        logFile: p.log,
        pidFile: p.pid,
        account,
      });
    }
    await waitFor('postgres', async () => (await query(admin(s), 'select 1')).length === 1, 60_000, p.log, p.pid);
    await ensureDatabase(s, db.pathname.slice(1));
  },
  async down(s) {
    // SIGINT = PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    return stopRecorded(paths(s).pid, { signal: 'SIGINT', graceMs: 30_000 });
  },
  async status(s) {
    const pid = runningPid(paths(s).pid);
    if (pid === undefined) return { running: false, ready: false, detail: 'stopped' };
    const ready = await query(admin(s), 'select 1').then(() => true, () => false);
    return { running: true, ready, detail: `pid ${pid}, 127.0.0.1:${s.ports.postgres}` };
  },
  async version(s) {
    const [row] = await query<{ v: string }>(admin(s), "select current_setting('server_version') as v");
    return `PostgreSQL ${row?.v ?? '?'}`;
  },
};
