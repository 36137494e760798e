// The farm's bounds against the real engine: it takes no more jobs than it has slots (its streams
// pause, a job arriving with no slot is given back, nothing queues), and retry backoff holds of one
// job type give their slots up, so another job type still runs during a storm of failures.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EngineAction } from '../core/ports/engine-action.ts';
import { loadConfig } from '../platform/config.ts';
import { connectGatewayAt, type GatewayConnection } from '../platform/gateway-client.ts';
import { createLogger } from '../platform/logger.ts';
import { createMetrics } from '../platform/metrics.ts';
import { createOrchestrationClient } from '../platform/orchestration-client.ts';
import { defineWorker, type AnyWorker } from './define-worker.ts';
import { startFarm, type Farm } from './farm.ts';
import { jobMetrics } from './job-metrics.ts';
import { parseMetricsText, seriesTotal } from '../platform/metrics-text.ts';

const config = loadConfig();
const run = randomUUID().slice(0, 8);
const log = createLogger('farm-bounds', 'silent');
let gateway: GatewayConnection;
const farms: Farm[] = [];

/** a one-task process per job type */
function oneTaskProcess(processId: string, jobType: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_${processId}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task" />
    <bpmn:serviceTask id="Task"><bpmn:extensionElements><zeebe:taskDefinition type="${jobType}" retries="5" /></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Task" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;
}

const types = { slow: `bounds-slow-${run}`, storm: `bounds-storm-${run}`, other: `bounds-other-${run}`, first: `bounds-first-${run}`, second: `bounds-second-${run}` };
const processOf = (jobType: string) => `p-${jobType}`;

beforeAll(async () => {
  gateway = connectGatewayAt(config.ZEEBE_GRPC_ADDRESS);
  const rest = createOrchestrationClient(config);
  await rest.createDeployment({
    resources: Object.values(types).map((t) => new File([oneTaskProcess(processOf(t), t)], `${processOf(t)}.bpmn`, { type: 'application/xml' })),
  });
});

afterAll(async () => {
  for (const farm of farms) await farm.drain(2_000);
  gateway.close();
});

function worker(type: string, handle: () => Promise<EngineAction>): AnyWorker<unknown> {
  return defineWorker({ type, description: 'test worker', variables: z.object({}), output: z.object({}), bpmnErrors: [], handle });
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('the farm runs no more jobs than its slots, queues none, and still does them all', async () => {
  let running = 0;
  let most = 0;
  let done = 0;
  let mostInFlight = 0;
  const slow = worker(types.slow, async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 200));
    running--;
    done++;
    return { kind: 'complete', variables: {} };
  });
  const metrics = createMetrics();
  const farm = await startFarm({ gateway, workers: [slow], services: {}, log, maxConcurrentJobs: 2, jobTimeoutMs: 30_000, pollIntervalMs: 1_000, observer: jobMetrics(metrics) });
  farms.push(farm);
  const sampler = setInterval(() => (mostInFlight = Math.max(mostInFlight, farm.inFlight())), 5);
  try {
    for (let i = 0; i < 12; i++) await gateway.createProcessInstance({ bpmnProcessId: processOf(types.slow) });
    await waitFor('12 slow jobs done', () => done >= 12, 30_000);
  } finally {
    clearInterval(sampler);
  }
  expect(most).toBeLessThanOrEqual(2);
  // in flight = taken and not answered: never more than the slots (nothing waits for one)
  expect(mostInFlight).toBeLessThanOrEqual(2);
});

test('backoff holds of a failing job type do not starve another job type', async () => {
  let stormCalls = 0;
  let otherDone = 0;
  // every storm job fails with retries left and a long backoff, as a 503 from its system does
  const storm = worker(types.storm, async () => (stormCalls++, { kind: 'fail', retries: 3, backoffMs: 20_000, message: '[TRANSIENT] 503 from the system' }));
  const other = worker(types.other, async () => (otherDone++, { kind: 'complete', variables: {} }));
  const farm = await startFarm({ gateway, workers: [storm, other], services: {}, log, maxConcurrentJobs: 2, jobTimeoutMs: 60_000, pollIntervalMs: 1_000 });
  farms.push(farm);
  for (let i = 0; i < 4; i++) await gateway.createProcessInstance({ bpmnProcessId: processOf(types.storm) });
  // the storm's jobs hold their backoffs (two in the process, the others' backoff at the engine)
  await waitFor('the storm jobs failing', () => stormCalls >= 4, 15_000);
  const started = Date.now();
  await gateway.createProcessInstance({ bpmnProcessId: processOf(types.other) });
  await waitFor('the other job type done', () => otherDone >= 1, 10_000);
  // far sooner than the 20 s holds would have let it in
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('a job that arrives with no free slot is given back, not queued, and done once a slot frees', async () => {
  // both jobs wait before the farm starts: each stream's first poll asks for the one free slot
  await gateway.createProcessInstance({ bpmnProcessId: processOf(types.first) });
  await gateway.createProcessInstance({ bpmnProcessId: processOf(types.second) });
  const done: string[] = [];
  const slowly = (type: string) =>
    worker(type, async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      done.push(type);
      return { kind: 'complete', variables: {} };
    });
  const metrics = createMetrics();
  const farm = await startFarm({ gateway, workers: [slowly(types.first), slowly(types.second)], services: {}, log, maxConcurrentJobs: 1, jobTimeoutMs: 60_000, pollIntervalMs: 500, observer: jobMetrics(metrics) });
  farms.push(farm);
  let mostInFlight = 0;
  const sampler = setInterval(() => (mostInFlight = Math.max(mostInFlight, farm.inFlight())), 5);
  try {
    await waitFor('both jobs done', () => done.length >= 2, 20_000);
  } finally {
    clearInterval(sampler);
  }
  expect(done.sort()).toEqual([types.first, types.second].sort());
  expect(mostInFlight).toBe(1);
  const samples = parseMetricsText(await metrics.registry.metrics());
  // given back at least once (each poll took one job for the one slot), and done anyway
  expect(seriesTotal(samples, 'job_skipped_total', { reason: 'no-free-slot' })).toBeGreaterThanOrEqual(1);
});
