// A PostgreSQL cluster of a test's own (initdb into a temp folder, a free port, the server binaries
// the stack uses, run as the stack's service account when root), for tests that stop and start the
// database: the shared stack's PostgreSQL is never touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requirePostgresBin } from '../../stack/prereq.ts';
import { giveTo, serviceAccount } from '../../stack/proc.ts';

export interface ThrowawayPostgres {
  /** postgres://farm@127.0.0.1:<port>/postgres (trust authentication) */
  readonly url: string;
  readonly port: number;
  start(): void;
  /** `pg_ctl stop -m fast`: open transactions rolled back, connections closed */
  stop(): void;
  /** stops the server if running and deletes the cluster */
  remove(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function createThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = requirePostgresBin();
  const account = serviceAccount();
  const dir = mkdtempSync(path.join(tmpdir(), 'farm-pg-'));
  const data = path.join(dir, 'data');
  const run = path.join(dir, 'run');
  giveTo(account, dir, run);
  const as = (cmd: string, args: string[]) => {
    const [c, ...a] = account ? ['runuser', '-u', account.name, '--', path.join(bin, cmd), ...args] : [path.join(bin, cmd), ...args];
    execFileSync(c as string, a, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  as('initdb', ['-D', data, '-U', 'farm', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
  const port = await freePort();
  let running = false;
  const pgCtl = (...args: string[]) => as('pg_ctl', ['-D', data, '-w', '-t', '60', ...args]);
  const cluster: ThrowawayPostgres = {
    url: `postgres://farm@127.0.0.1:${port}/postgres`,
    port,
    start() {
      pgCtl('-l', path.join(dir, 'postgres.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${run} -c fsync=off`, 'start');
      running = true;
    },
    stop() {
      pgCtl('-m', 'fast', 'stop');
      running = false;
    },
    remove() {
      if (running) {
        try {
          pgCtl('-m', 'immediate', 'stop');
        } catch {
          // already gone
        }
        running = false;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
