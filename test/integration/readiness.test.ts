// A farm replica's readiness follows its database: DOWN (503, the database check failing) while
// PostgreSQL is stopped, UP again once it is back. The database is a throwaway cluster of this
// test; the engine and Kafka checks run against the shared stack.
import { Camunda8 } from '@camunda8/sdk';
import { farmOpsEndpoints } from '../../src/main/farm/ops.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import type { HealthReport } from '../../src/platform/health.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { closeChecks, type OpsEndpoints } from '../../src/platform/ops-endpoints.ts';
import { startOpsServer, type OpsServer } from '../../src/platform/ops-server.ts';
import { createCamunda } from '../../src/platform/camunda.ts';
import { eventually } from '../support/process-test.ts';
import { createThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';

let pg: ThrowawayPostgres;
let db: DatabasePool;
let camunda: Camunda8;
let endpoints: OpsEndpoints;
let server: OpsServer;

beforeAll(async () => {
  pg = await createThrowawayPostgres();
  const config = loadConfig({ ...process.env, DATABASE_URL: pg.url, HEALTH_CHECK_TIMEOUT_MS: '3000' });
  db = await createDatabasePool(config, 'readiness-test');
  camunda = createCamunda(config);
  endpoints = farmOpsEndpoints({ config, db, zeebe: camunda.getZeebeGrpcApiClient(), kafka: true, draining: () => false, inFlight: () => 0 });
  server = await startOpsServer({ ...endpoints, host: '127.0.0.1', port: 0, log: createLogger('readiness-test', 'silent') });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (endpoints) await closeChecks(endpoints);
  await db?.end().catch(() => undefined);
  await camunda?.getZeebeGrpcApiClient().close().catch(() => undefined);
  pg?.remove();
});

async function ready(): Promise<{ status: number; report: HealthReport }> {
  const res = await fetch(`${server.url}/health/ready`);
  return { status: res.status, report: (await res.json()) as HealthReport };
}

test('readiness turns false when PostgreSQL stops and true again after it restarts', async () => {
  const before = await eventually('the replica to be ready', async () => {
    const r = await ready();
    return r.status === 200 ? r : undefined;
  });
  expect(before.report).toMatchObject({ status: 'UP', checks: { farm: { ok: true }, engine: { ok: true }, database: { ok: true }, kafka: { ok: true } } });

  pg.stop();
  const down = await eventually('the replica to be not ready', async () => {
    const r = await ready();
    return r.status === 503 ? r : undefined;
  });
  expect(down.report.status).toBe('DOWN');
  expect(down.report.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
  // only the database is at fault
  expect(down.report.checks.engine).toMatchObject({ ok: true });
  expect(down.report.checks.kafka).toMatchObject({ ok: true });
  // liveness does not follow the database: restarting the process would not help
  expect((await fetch(`${server.url}/health/live`)).status).toBe(200);

  pg.start();
  const back = await eventually('the replica to be ready again', async () => {
    const r = await ready();
    return r.status === 200 ? r : undefined;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  expect(back.report.checks.database).toMatchObject({ ok: true });
}, 120_000);
