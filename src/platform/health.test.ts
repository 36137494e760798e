import { checkHealth, shortReason, type HealthCheck } from './health.ts';
import { opsResponse } from './ops-endpoints.ts';
import { createMetrics } from './metrics.ts';

const passing = (name: string, detail?: string): HealthCheck => ({ name, probe: async () => detail });
const failing = (name: string, err: unknown): HealthCheck => ({ name, probe: async () => Promise.reject(err) });

test('UP when every check passes, with each check listed', async () => {
  const report = await checkHealth([passing('database'), passing('engine', '1 broker(s)')]);
  expect(report.status).toBe('UP');
  expect(report.checks).toEqual({
    database: { ok: true, durationMs: expect.any(Number) },
    engine: { ok: true, detail: '1 broker(s)', durationMs: expect.any(Number) },
  });
});

test('DOWN when one check fails; the others are still reported', async () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
  const kafka = Object.assign(new Error('broker not reachable'), { code: 'KAFKA_CONNECTION' });
  const report = await checkHealth([passing('engine'), failing('database', refused), failing('kafka', kafka)]);
  expect(report.status).toBe('DOWN');
  expect(report.checks.engine).toMatchObject({ ok: true });
  expect(report.checks.database).toMatchObject({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:55432' });
  // a code the message does not already name is put in front
  expect(report.checks.kafka).toMatchObject({ ok: false, error: 'KAFKA_CONNECTION: broker not reachable' });
});

test('a check that hangs fails at the timeout, and its abort signal fires', async () => {
  let aborted = false;
  const hanging: HealthCheck = {
    name: 'kafka',
    probe: (signal) =>
      new Promise(() => {
        signal.addEventListener('abort', () => (aborted = true));
      }),
  };
  const report = await checkHealth([hanging], { timeoutMs: 50 });
  expect(report).toEqual({ status: 'DOWN', checks: { kafka: { ok: false, error: 'no answer within 50 ms', durationMs: expect.any(Number) } } });
  expect(aborted).toBe(true);
});

test('a check that throws synchronously or rejects with a non-error never escapes', async () => {
  const throwing: HealthCheck = {
    name: 'engine',
    probe: () => {
      throw new Error('boom');
    },
  };
  const report = await checkHealth([throwing, failing('database', 'plain string')]);
  expect(report.checks).toEqual({
    engine: { ok: false, error: 'boom', durationMs: expect.any(Number) },
    database: { ok: false, error: 'plain string', durationMs: expect.any(Number) },
  });
});

test('an empty list is UP (a process with nothing to depend on)', async () => {
  expect(await checkHealth([])).toEqual({ status: 'UP', checks: {} });
});

test('reasons are one short line without credentials or card numbers', () => {
  expect(shortReason('password authentication failed for postgres://farm:s3cret@db:5432/x\n  at Pool.connect')).toBe(
    'password authentication failed for postgres://<redacted>@db:5432/x at Pool.connect',
  );
  expect(shortReason('card 4111 1111 1111 1111 refused')).toBe('card ****1111 refused');
  expect(shortReason('x'.repeat(500))).toHaveLength(200);
});

test('the endpoints answer 200 / 503 with the report, and the scrape in the Prometheus format', async () => {
  const m = createMetrics();
  m.jobActivated.inc({ job_type: 'crm.validate-account.v1' });
  const ops = { registry: m.registry, liveness: [passing('eventLoop')], readiness: [passing('engine'), failing('database', new Error('down'))] };

  const live = await opsResponse(ops, '/health/live');
  expect(live?.status).toBe(200);
  const ready = await opsResponse(ops, '/health/ready');
  expect(ready?.status).toBe(503);
  expect(JSON.parse(ready?.body ?? '{}')).toMatchObject({ status: 'DOWN', checks: { engine: { ok: true }, database: { ok: false, error: 'down' } } });
  const scrape = await opsResponse(ops, '/metrics');
  expect(scrape?.contentType).toMatch(/^text\/plain/);
  expect(scrape?.body).toContain('job_activated_total{job_type="crm.validate-account.v1"} 1');
  expect(await opsResponse(ops, '/elsewhere')).toBeUndefined();
});
