// The gateway as the real SDK sees it: @camunda8/sdk's ZeebeGrpcClient (gzip on every request,
// plain gRPC, no auth) against startEngine on free ports, over a hand-written Engine.
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { serviceTaskProcess } from './models.ts';
import { sdkClient } from './sdk.ts';
import { createFakeEngine, type FakeEngine } from './fake-engine.ts';

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

let fake: FakeEngine;
let running: RunningEngine;
let zeebe: ZeebeGrpcClient;

beforeAll(async () => {
  fake = createFakeEngine();
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: fake });
  zeebe = sdkClient(running.grpcAddress);
});

afterAll(async () => {
  await zeebe.close(2_000);
  await running.stop();
});

describe('the gateway through the SDK', () => {
  it('reports one broker with one healthy leader partition', async () => {
    const topology = await zeebe.topology();
    expect(topology.gatewayVersion).toBe('8.9.0-local');
    expect(topology.clusterSize).toBe(1);
    expect(topology.partitionsCount).toBe(1);
    expect(topology.brokers).toHaveLength(1);
    expect(topology.brokers[0]?.port).toBe(running.grpcPort);
    expect(topology.brokers[0]?.partitions).toEqual([{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }]);
  });

  it('deploys a process, and a refusal carries the engine message naming file and element', async () => {
    const deployed = await zeebe.deployResource({ process: Buffer.from(serviceTaskProcess('gw-deploy', 'gw.deploy')), name: 'gw-deploy.bpmn' });
    expect(deployed.deployments[0]?.process).toMatchObject({ bpmnProcessId: 'gw-deploy', version: 1, resourceName: 'gw-deploy.bpmn', tenantId: '<default>' });
    expect(deployed.key).toMatch(/^\d+$/);

    await expect(zeebe.deployResource({ process: Buffer.from('<bpmn:process id="x">INVALID</bpmn:process>'), name: 'broken.bpmn' })).rejects.toMatchObject({
      code: 3, // INVALID_ARGUMENT
      details: expect.stringContaining("'broken.bpmn': - Element: Task_Broken - ERROR"),
    });
  });

  it('pushes a new job to an open stream worker, which completes it', async () => {
    const completed: string[] = [];
    const worker = await zeebe.streamJobs({
      type: 'gw.streamed',
      worker: 'stream-test',
      tenantIds: [],
      timeout: 30_000,
      taskHandler: async (job) => {
        completed.push(job.key);
        return job.complete({ done: true });
      },
    });
    try {
      await until(() => fake.calls.includes('activateJobs')); // the SDK's backfill poll ran: the stream is being opened
      await new Promise((resolve) => setTimeout(resolve, 200));
      const jobKey = fake.addJob('gw.streamed');
      await until(() => completed.includes(jobKey));
      expect(fake.calls).toContain('activateForStream');
      await until(() => fake.calls.includes('completeJob'));
      // completed: a second complete is NOT_FOUND
      await expect(zeebe.completeJob({ jobKey, variables: {} })).rejects.toMatchObject({ code: 5 });
    } finally {
      worker.close();
    }
  });

  it('answers a long poll as soon as a job of its type appears', async () => {
    const started = Date.now();
    const polled = zeebe.activateJobs({ type: 'gw.longpoll', worker: 'poller', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: 5_000 });
    setTimeout(() => fake.addJob('gw.longpoll'), 300);
    const jobs = await polled;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ type: 'gw.longpoll', worker: 'poller', variables: { orderId: 'o-1' } });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('answers at once with requestTimeout -1 when nothing is activatable', async () => {
    const started = Date.now();
    const jobs = await zeebe.activateJobs({ type: 'gw.nothing', worker: 'poller', timeout: 30_000, maxJobsToActivate: 5, requestTimeout: -1 });
    expect(jobs).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses completing an unknown job with NOT_FOUND', async () => {
    await expect(zeebe.completeJob({ jobKey: '2251799813685999', variables: {} })).rejects.toMatchObject({ code: 5, details: expect.stringContaining('2251799813685999') });
  });

  it('refuses a duplicate messageId with ALREADY_EXISTS', async () => {
    const message = { name: 'gw.message', correlationKey: 'order-1', messageId: 'm-1', timeToLive: 60_000, variables: {} };
    const first = await zeebe.publishMessage(message);
    expect(first.key).toMatch(/^\d+$/);
    await expect(zeebe.publishMessage(message)).rejects.toMatchObject({ code: 6 });
  });
});
