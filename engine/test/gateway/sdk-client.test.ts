// The gateway end to end as the real SDK sees it: @camunda8/sdk's ZeebeGrpcClient (gzip on every
// request, plain gRPC, no auth) against startEngine on free ports with the real runtime.
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { sdkClient } from './sdk.ts';
import { serviceTaskProcess, unsupportedProcess } from './models.ts';

let running: RunningEngine;
let zeebe: ZeebeGrpcClient;

const deploy = (processId: string, jobType: string) => zeebe.deployResource({ process: Buffer.from(serviceTaskProcess(processId, jobType)), name: `${processId}.bpmn` });

beforeAll(async () => {
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1' });
  zeebe = sdkClient(running.grpcAddress);
});

afterAll(async () => {
  await zeebe.close(2_000);
  await running.stop();
});

describe('the gateway through the SDK, on the real engine', () => {
  it('reports one broker with one healthy leader partition', async () => {
    const topology = await zeebe.topology();
    expect(topology.gatewayVersion).toMatch(/^8\.9\./);
    expect(topology).toMatchObject({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 });
    expect(topology.brokers).toHaveLength(1);
    expect(topology.brokers[0]).toMatchObject({ host: '127.0.0.1', port: running.grpcPort, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] });
  });

  it('deploys a process; an identical redeploy keeps its version and key; a refusal names the file and the element', async () => {
    const first = await deploy('gw-deploy', 'gw.deploy');
    expect(first.deployments[0]?.process).toMatchObject({ bpmnProcessId: 'gw-deploy', version: 1, resourceName: 'gw-deploy.bpmn', tenantId: '<default>' });
    const again = await deploy('gw-deploy', 'gw.deploy');
    expect(again.deployments[0]?.process?.processDefinitionKey).toBe(first.deployments[0]?.process?.processDefinitionKey);

    const refused = zeebe.deployResource({ process: Buffer.from(unsupportedProcess('gw-refused')), name: 'gw-refused.bpmn' });
    await expect(refused).rejects.toMatchObject({ code: 3 }); // INVALID_ARGUMENT
    const error = (await refused.catch((err: unknown) => err)) as { details: string };
    expect(error.details).toContain('gw-refused.bpmn');
    expect(error.details).toContain('Gateway_Complex');
  });

  it('pushes a new job to an open stream worker, which completes it; the instance completes with its variables', async () => {
    await deploy('gw-stream', 'gw.streamed');
    const seen: string[] = [];
    const worker = await zeebe.streamJobs({
      type: 'gw.streamed',
      worker: 'stream-test',
      tenantIds: [],
      timeout: 30_000,
      pollInterval: 0, // the stream alone: no sidecar poll after the initial backfill
      taskHandler: async (job) => {
        seen.push(job.key);
        return job.complete({ handled: true });
      },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the backfill poll ran; the stream is registered
      const result = await zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'gw-stream', variables: { orderId: 'o-1' }, requestTimeout: 10_000 });
      expect(result.variables).toMatchObject({ orderId: 'o-1', handled: true });
      expect(seen).toHaveLength(1);
      // the job is gone once completed
      await expect(zeebe.completeJob({ jobKey: seen[0] ?? '', variables: {} })).rejects.toMatchObject({ code: 5 });
    } finally {
      await worker.close();
    }
  });

  it('wakes a waiting long poll when a job of its type is created', async () => {
    await deploy('gw-longpoll', 'gw.longpoll');
    const started = Date.now();
    const polled = zeebe.activateJobs({ type: 'gw.longpoll', worker: 'poller', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: 8_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = await zeebe.createProcessInstance({ bpmnProcessId: 'gw-longpoll', variables: { n: 1 } });
    const jobs = await polled;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: 'gw.longpoll', worker: 'poller', processInstanceKey: created.processInstanceKey, variables: { n: 1 }, elementId: 'ServiceTask_Work' });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('answers at once with requestTimeout -1 when nothing is activatable', async () => {
    const started = Date.now();
    const jobs = await zeebe.activateJobs({ type: 'gw.nothing', worker: 'poller', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: -1 });
    expect(jobs).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses completing an unknown job with NOT_FOUND', async () => {
    await expect(zeebe.completeJob({ jobKey: '2251799813699999', variables: {} })).rejects.toMatchObject({ code: 5 });
  });

  it('refuses a duplicate messageId with ALREADY_EXISTS while the first is buffered', async () => {
    const message = { name: 'gw.message', correlationKey: 'order-1', messageId: 'm-1', timeToLive: 60_000, variables: {} };
    const first = await zeebe.publishMessage(message);
    expect(first.key).toMatch(/^\d+$/);
    await expect(zeebe.publishMessage(message)).rejects.toMatchObject({ code: 6 });
  });

  it('fails a job with retries and backoff, then an incident at 0 retries, resolved after new retries', async () => {
    await deploy('gw-fail', 'gw.fail');
    await zeebe.createProcessInstance({ bpmnProcessId: 'gw-fail', variables: {} });
    const [job] = await zeebe.activateJobs({ type: 'gw.fail', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 2_000 });
    expect(job).toBeDefined();
    await zeebe.failJob({ jobKey: job?.key ?? '', errorMessage: 'provider down', retries: 0, retryBackOff: 0 });
    const incidents = [...running.engine.queries.incidents()].filter((incident) => incident.jobKey === job?.key);
    expect(incidents).toMatchObject([{ errorType: 'JOB_NO_RETRIES', errorMessage: 'provider down', state: 'ACTIVE' }]);
    await zeebe.updateJobRetries({ jobKey: job?.key ?? '', retries: 2 });
    await zeebe.resolveIncident({ incidentKey: incidents[0]?.incidentKey ?? '' });
    const again = await zeebe.activateJobs({ type: 'gw.fail', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 2_000 });
    expect(again.map((activated) => activated.key)).toEqual([job?.key]);
    expect(again[0]?.retries).toBe(2);
  });

  it('cancels an instance; a second cancel is NOT_FOUND', async () => {
    await deploy('gw-cancel', 'gw.cancel');
    const created = await zeebe.createProcessInstance({ bpmnProcessId: 'gw-cancel', variables: {} });
    await zeebe.cancelProcessInstance(created.processInstanceKey);
    expect(running.engine.queries.processInstance(created.processInstanceKey)?.state).toBe('TERMINATED');
    await expect(zeebe.cancelProcessInstance(created.processInstanceKey)).rejects.toMatchObject({ code: 5 });
  });

  it('throws a BPMN error (an incident when nothing catches it), sets variables, updates a job timeout', async () => {
    await deploy('gw-misc', 'gw.misc');
    const created = await zeebe.createProcessInstance({ bpmnProcessId: 'gw-misc', variables: { a: 1 } });
    // the SDK types the answer as void, but passes SetVariablesResponse through
    const answer = (await zeebe.setVariables({ elementInstanceKey: created.processInstanceKey, variables: { b: 2 }, local: false })) as unknown as { key: string };
    expect(answer.key).toMatch(/^\d+$/);
    const [job] = await zeebe.activateJobs({ type: 'gw.misc', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 2_000 });
    expect(job?.variables).toMatchObject({ a: 1, b: 2 });
    await zeebe.updateJobTimeout({ jobKey: job?.key ?? '', timeout: 120_000 });
    const record = [...running.engine.queries.jobs()].find((entry) => entry.jobKey === job?.key);
    expect(record?.deadline).toBeGreaterThan(Date.now() + 60_000);
    await zeebe.throwError({ jobKey: job?.key ?? '', errorCode: 'NOT_CAUGHT', errorMessage: 'nobody listens' });
    const incidents = [...running.engine.queries.incidents()].filter((incident) => incident.processInstanceKey === created.processInstanceKey);
    expect(incidents).toMatchObject([{ errorType: 'UNHANDLED_ERROR_EVENT', state: 'ACTIVE' }]);
  });

  it('broadcasts a signal and deletes a process definition', async () => {
    const signal = await zeebe.broadcastSignal({ signalName: 'gw.signal', variables: {} });
    expect(String(signal.key)).toMatch(/^\d+$/);
    const deployed = await deploy('gw-delete', 'gw.delete');
    const processDefinitionKey = deployed.deployments[0]?.process?.processDefinitionKey ?? '';
    await zeebe.deleteResource({ resourceKey: processDefinitionKey });
    await expect(zeebe.createProcessInstance({ bpmnProcessId: 'gw-delete', variables: {} })).rejects.toMatchObject({ code: 5 });
    await expect(zeebe.deleteResource({ resourceKey: processDefinitionKey })).rejects.toMatchObject({ code: 5 });
  });

  it("serves the SDK's long-polling worker (createWorker)", async () => {
    await deploy('gw-worker', 'gw.worker');
    const worker = zeebe.createWorker({
      taskType: 'gw.worker',
      longPoll: 5_000,
      pollInterval: 100,
      taskHandler: async (job) => job.complete({ polled: true }),
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // its first long poll is waiting
      const result = await zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'gw-worker', variables: {}, requestTimeout: 10_000 });
      expect(result.variables).toMatchObject({ polled: true });
    } finally {
      await worker.close();
    }
  });

  it('answers a create-with-result that does not complete in its requestTimeout with DEADLINE_EXCEEDED', async () => {
    await deploy('gw-slow', 'gw.nobody');
    const started = Date.now();
    await expect(zeebe.createProcessInstanceWithResult({ bpmnProcessId: 'gw-slow', variables: {}, requestTimeout: 500 })).rejects.toMatchObject({ code: 4 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
