// StreamActivatedJobs through the SDK's streamJobs: new jobs are pushed to an open stream; jobs that
// were activatable before it opened are served by the SDK's backfill poll.
import { docs } from './support/docs.ts';
import { chain, endEvent, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually, expectEventually } from './support/eventually.ts';
import { instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { deploy, start } from './support/workflow.ts';
import { unique } from './support/names.ts';
import { gatewayMetadata, rawGateway } from './support/raw-gateway.ts';

afterAll(closeClients);

const oneTask = (processId: string, type: string) => model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]);

describe(`Job streaming: jobs pushed to an open stream (${docs.jobWorkers})`, () => {
  test('jobs created after the stream opened are pushed and completed; jobs from before are picked up too', async () => {
    const processId = unique('stream');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const before = await start(processId, { n: 0 });
    const seen: string[] = [];
    const stream = await grpc().streamJobs({
      type,
      worker: 'stream-worker',
      timeout: 30_000,
      tenantIds: ['<default>'],
      taskHandler: (job) => {
        seen.push(job.key);
        return job.complete({ streamed: true });
      },
    });
    try {
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
      grpc().streamJobs({
        type,
        worker: `stream-${name}`,
        timeout: 30_000,
        tenantIds: ['<default>'],
        taskHandler: (job) => {
          byStream[name]!.push(job.key);
          return job.complete();
        },
      });
    const streams = await Promise.all([open('a'), open('b')]);
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
});
