// What a job leaves in the log: the runtime's fields on every line (also on lines logged by code
// below the handler), and no secret or card number, whatever the job's variables carry.
import { Writable } from 'node:stream';
import { z } from 'zod';
import { contextLog } from '../platform/log-context.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { parseMetricsText, seriesTotal } from '../platform/metrics-text.ts';
import { defineWorker } from './define-worker.ts';
import { executeJob, type JobHandle } from './execute-job.ts';
import { jobMetrics } from './job-metrics.ts';

const CARD = '4111111111111111';
const TOKEN = 'tok_live_5ecret';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('test', 'debug', stream), lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function jobOf(variables: Record<string, unknown>, told: string[]): JobHandle {
  return {
    key: '2251799813685249',
    type: 'billing.activate-subscription.v1',
    retries: 3,
    processInstanceKey: '2251799813685100',
    bpmnProcessId: 'order-fulfillment',
    elementId: 'ServiceTask_ActivateBilling',
    elementInstanceKey: '2251799813685200',
    tenantId: '<default>',
    deadline: String(Date.now() + 60_000),
    variables,
    customHeaders: { authorization: `Bearer ${TOKEN}` },
    complete: async () => told.push('complete'),
    fail: async (conf) => told.push(`fail: ${conf.errorMessage}`),
    error: async (conf) => told.push(`error ${conf.errorCode}`),
  };
}

/** A worker that logs what it got, lets a "service" log through the job's logger, then fails with the card number in the error. */
const leaky = defineWorker({
  type: 'billing.activate-subscription.v1',
  description: 'test worker',
  variables: z.object({ orderId: z.string(), payment: z.object({ cardNumber: z.string(), token: z.string() }) }),
  output: z.object({}),
  bpmnErrors: [],
  handle: async ({ variables, headers, log }) => {
    log.info({ variables, headers }, 'handling the job');
    const service = contextLog(createLogger('unused', 'silent'));
    service.warn(`payment card ${variables.payment.cardNumber} declined: POST /charge?token=${variables.payment.token}`);
    throw new Error(`gateway said: card ${CARD} refused (token=${TOKEN})`);
  },
});

test('a job whose variables carry a card number and a token logs neither, and every line names the job', async () => {
  const { log, lines, records } = capture();
  const told: string[] = [];
  const m = createMetrics();
  const vars = { orderId: 'ord-1', tenantId: 'tenant-a', correlationId: 'corr-1', payment: { cardNumber: CARD, token: TOKEN } };

  const decision = await executeJob(leaky, jobOf(vars, told), {}, log, jobMetrics(m));

  expect(decision).toBe('fail');
  const output = lines.join('\n');
  expect(lines.length).toBeGreaterThanOrEqual(3);
  expect(output).not.toContain(CARD);
  expect(output).not.toContain('4111 1111');
  expect(output).not.toContain(TOKEN);
  expect(output).toContain('****1111');
  for (const r of records()) {
    expect(r).toMatchObject({ jobKey: '2251799813685249', processInstanceKey: '2251799813685100', elementId: 'ServiceTask_ActivateBilling', orderId: 'ord-1', tenantId: 'tenant-a', correlationId: 'corr-1' });
  }
  // what the engine hears (Operate shows it) is masked as well
  expect(told).toHaveLength(1);
  expect(told[0]).not.toContain(CARD);

  const samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'job_activated_total', { job_type: leaky.type })).toBe(1);
  expect(seriesTotal(samples, 'job_failed_total', { job_type: leaky.type })).toBe(1);
  expect(seriesTotal(samples, 'job_handler_duration_ms', { job_type: leaky.type, decision: 'failed' })).toBe(1);
});

test('each decision is counted under its own series; a fail with no retries left is an incident', async () => {
  const m = createMetrics();
  const observer = jobMetrics(m);
  const quiet = createLogger('test', 'silent');
  const worker = (handle: () => Promise<never> | Promise<import('../core/ports/engine-action.ts').EngineAction>) =>
    defineWorker({ type: 't.v1', description: 'x', variables: z.object({}), output: z.object({}), bpmnErrors: ['X'], handle });
  const none: string[] = [];
  await executeJob(worker(async () => ({ kind: 'complete', variables: {} })), jobOf({}, none), {}, quiet, observer);
  await executeJob(worker(async () => ({ kind: 'bpmn-error', errorCode: 'X', message: 'm', variables: {} })), jobOf({}, none), {}, quiet, observer);
  await executeJob(worker(async () => ({ kind: 'fail', retries: 0, backoffMs: 0, message: 'm' })), jobOf({}, none), {}, quiet, observer);

  const samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'job_activated_total')).toBe(3);
  expect(seriesTotal(samples, 'job_completed_total')).toBe(1);
  expect(seriesTotal(samples, 'job_bpmn_error_total', { error_code: 'X' })).toBe(1);
  expect(seriesTotal(samples, 'job_incident_total')).toBe(1);
  expect(seriesTotal(samples, 'job_failed_total')).toBeUndefined();
});

test('a database outage keeps the job retries; the backoff is waited out in the farm as far as the deadline allows, the rest goes to the engine', async () => {
  const failed: { retries?: number; retryBackOff?: number; errorMessage: string }[] = [];
  const unreachable = defineWorker({
    type: 'crm.validate-customer-account.v1',
    description: 'test worker',
    variables: z.object({}),
    output: z.object({}),
    bpmnErrors: [],
    handle: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
    },
  });
  // the deadline leaves room (beyond the 5 s margin) for about 300 ms of the 10 s backoff
  const job = { ...jobOf({}, []), deadline: String(Date.now() + 5_300), fail: async (conf: { retries?: number; retryBackOff?: number; errorMessage: string }) => failed.push(conf) };
  const started = Date.now();
  await executeJob(unreachable, job, {}, capture().log);
  const held = Date.now() - started;
  expect(failed).toEqual([expect.objectContaining({ retries: 3, errorMessage: expect.stringMatching(/^\[INFRASTRUCTURE\]/) })]);
  expect(held).toBeGreaterThanOrEqual(150);
  expect(failed[0]?.retryBackOff).toBeGreaterThan(9_000);
  expect(failed[0]?.retryBackOff).toBeLessThan(10_000);
});

test('an incident (no retries left) is raised at once, without holding the job', async () => {
  const failed: { retries?: number; retryBackOff?: number }[] = [];
  const job = { ...jobOf({ orderId: 'o-1', payment: { cardNumber: CARD, token: TOKEN } }, []), retries: 1, fail: async (conf: { retries?: number; retryBackOff?: number }) => failed.push(conf) };
  const started = Date.now();
  await executeJob(leaky, job, {}, capture().log);
  expect(failed).toEqual([expect.objectContaining({ retries: 0 })]);
  expect(Date.now() - started).toBeLessThan(1_000);
});

test('a job whose deadline passed while it waited is not started: logged at warn and counted, the engine told nothing', async () => {
  const { log, records } = capture();
  const m = createMetrics();
  const told: string[] = [];
  let handled = 0;
  const worker = defineWorker({ type: 't.v1', description: 'x', variables: z.object({}), output: z.object({}), bpmnErrors: [], handle: async () => (handled++, { kind: 'complete', variables: {} }) });
  const job = { ...jobOf({}, told), deadline: String(Date.now() - 1) };

  expect(await executeJob(worker, job, {}, log, jobMetrics(m))).toBe('skipped');

  expect([handled, told]).toEqual([0, []]);
  expect(records()).toEqual([expect.objectContaining({ level: 'warn', jobKey: job.key, jobType: job.type, msg: expect.stringContaining('deadline passed') })]);
  const samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'job_skipped_total', { job_type: 't.v1', reason: 'deadline-passed' })).toBe(1);
  expect(seriesTotal(samples, 'job_activated_total')).toBeUndefined();
});

test('a backoff hold gives its slot up; with no hold place left the whole backoff goes to the engine', async () => {
  const failing = defineWorker({ type: 't.v1', description: 'x', variables: z.object({}), output: z.object({}), bpmnErrors: [], handle: async () => ({ kind: 'fail', retries: 2, backoffMs: 200, message: 'busy' }) });
  const failed: { retryBackOff?: number }[] = [];
  const job = { ...jobOf({}, []), deadline: String(Date.now() + 60_000), fail: async (conf: { retryBackOff?: number }) => failed.push(conf) };
  const events: string[] = [];
  const slot = { holdWithoutSlot: () => (events.push('slot given up'), { end: () => events.push('hold ended') }) };
  await executeJob(failing, job, {}, capture().log, undefined, slot);
  expect(events).toEqual(['slot given up', 'hold ended']);
  expect(failed[0]?.retryBackOff).toBe(0);

  const full = { holdWithoutSlot: () => undefined };
  const started = Date.now();
  await executeJob(failing, job, {}, capture().log, undefined, full);
  expect(Date.now() - started).toBeLessThan(150);
  expect(failed[1]?.retryBackOff).toBe(200);
});
