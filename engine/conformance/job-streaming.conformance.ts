// StreamActivatedJobs through the SDK's streamJobs: new jobs are pushed to an open stream; jobs that
// were activatable before it opened are served by the SDK's backfill poll.
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { docs } from './support/docs.ts';
import { chain, endEvent, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually, expectEventually, sleep } from './support/eventually.ts';
import { instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { deploy, start } from './support/workflow.ts';
import { unique } from './support/names.ts';
import { gatewayMetadata, rawGateway } from './support/raw-gateway.ts';

afterAll(closeClients);

// No tenantIds: the SDK's backfill poll turns any given list into [its own tenantId], undefined
// without multi-tenancy, and then asks for a tenant nobody has. The cast only drops the field the
// SDK's type requires but its worker does not need.
type StreamRequest = Parameters<ZeebeGrpcClient['streamJobs']>[0];
const streamJobs = (request: Omit<StreamRequest, 'tenantIds'>) => grpc().streamJobs(request as StreamRequest);

const oneTask = (processId: string, type: string) => model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]);

describe(`Job streaming: jobs pushed to an open stream (${docs.jobWorkers})`, () => {
  test('jobs created after the stream opened are pushed and completed; jobs from before are picked up too', async () => {
    const processId = unique('stream');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const before = await start(processId, { n: 0 });
    const seen: string[] = [];
    const stream = await streamJobs({
      type,
      worker: 'stream-worker',
      timeout: 30_000,
      taskHandler: (job) => {
        seen.push(job.key);
        return job.complete({ streamed: true });
      },
    });
    try {
      // the SDK resolves streamJobs after its backfill poll, not when the gateway has registered the
      // stream (which it does not show): give the registration a moment (the raw test below checks
      // the exact contract, headers first)
      await sleep(500);
      const after = await Promise.all([1, 2, 3].map((n) => start(processId, { n })));
      for (const processInstanceKey of [before, ...after]) await instanceReaches(processInstanceKey, 'COMPLETED');
      expect(new Set(seen).size).toBe(4);
      await expectEventually(() => scopeVariables(after[0]!), (variables) => expect(variables).toMatchObject({ streamed: true }));
    } finally {
      stream.close();
    }
  });

  test('each job goes to one stream only, even with two streams of the same type open', async () => {
    const processId = unique('stream-two');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const byStream: Record<string, string[]> = { a: [], b: [] };
    const open = (name: 'a' | 'b') =>
      streamJobs({
        type,
        worker: `stream-${name}`,
        timeout: 30_000,
        taskHandler: (job) => {
          byStream[name]!.push(job.key);
          return job.complete();
        },
      });
    const streams = await Promise.all([open('a'), open('b')]);
    await sleep(500); // as above: registration is not visible through the SDK
    try {
      const keys = await Promise.all(Array.from({ length: 10 }, () => start(processId)));
      for (const processInstanceKey of keys) await instanceReaches(processInstanceKey, 'COMPLETED');
      const all = [...byStream['a']!, ...byStream['b']!];
      await eventually(async () => all.length, (n) => n >= 10, { what: 'ten jobs handled' });
      expect(new Set(all).size).toBe(all.length); // no job handed out twice
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});

describe(`Job streaming: the stream is registered at once (${docs.grpcApi})`, () => {
  test('StreamActivatedJobs sends its response headers as soon as the stream is registered, before any job', async () => {
    const gateway = rawGateway();
    try {
      const call = gateway.StreamActivatedJobs({ type: unique('type'), worker: 'raw', timeout: 30_000, fetchVariable: [], tenantIds: ['<default>'] }, await gatewayMetadata());
      const began = Date.now();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no response headers within 5 s')), 5_000);
        call.once('metadata', () => {
          clearTimeout(timer);
          resolve();
        });
        call.once('error', (error: Error) => {
          if (!/CANCELLED/.test(error.message)) reject(error);
        });
      });
      expect(Date.now() - began).toBeLessThan(5_000);
      call.cancel();
    } finally {
      gateway.close();
    }
  });

  test('a job created as soon as the stream\'s response headers arrived is pushed on that stream', async () => {
    const processId = unique('stream-raw');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const gateway = rawGateway();
    try {
      const call = gateway.StreamActivatedJobs({ type, worker: 'raw', timeout: 30_000, fetchVariable: [], tenantIds: [] }, await gatewayMetadata());
      const pushed = new Promise<{ key: string }>((resolve, reject) => {
        call.once('data', (job: { key: string }) => resolve(job));
        call.once('error', (error: Error) => reject(error));
      });
      await new Promise<void>((resolve) => call.once('metadata', () => resolve()));
      const processInstanceKey = await start(processId);
      const job = await Promise.race([pushed, sleep(5_000).then(() => undefined)]);
      expect(job).toBeDefined();
      await grpc().completeJob({ jobKey: job!.key, variables: {} });
      await instanceReaches(processInstanceKey, 'COMPLETED');
      call.cancel();
    } finally {
      gateway.close();
    }
  });
});
