// The farm's own job stream (src/worker-runtime/job-stream.ts) as a bare grpc-js client does it, on
// the real engine: tenantIds ['<default>'], wait for response headers, then backfill with
// ActivateJobs requestTimeout -1; new jobs arrive on the stream; an older one reaches the worker once,
// through the backfill or (announced just before the stream registered) pushed to it.
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { serviceTaskProcess } from './models.ts';
import { drain, rawGateway, streamCall, unaryCall, type RawGateway } from './raw-client.ts';

let running: RunningEngine;
let client: RawGateway;

beforeAll(async () => {
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1' });
  client = rawGateway(running.grpcAddress);
  await unaryCall(client, 'DeployResource', { resources: [{ name: 'farm-stream.bpmn', content: Buffer.from(serviceTaskProcess('farm-stream', 'farm.stream')) }] });
});

afterAll(async () => {
  client.close();
  await running.stop();
});

const createInstance = () => unaryCall<{ processInstanceKey: string }>(client, 'CreateProcessInstance', { bpmnProcessId: 'farm-stream', version: -1, variables: '{"orderId":"o-7"}' });

it('pushes new jobs to a <default>-tenant stream; an older job reaches the worker once, polled or pushed', async () => {
  const older = await createInstance();
  const stream = streamCall(client, 'StreamActivatedJobs', { type: 'farm.stream', worker: 'farm-1', timeout: '60000', fetchVariable: ['orderId'], tenantIds: ['<default>'] });
  const pushed: Record<string, unknown>[] = [];
  stream.on('data', (job: Record<string, unknown>) => pushed.push(job));
  stream.on('error', () => undefined);
  await new Promise((resolve) => stream.once('metadata', resolve));

  const backfill = await drain(streamCall(client, 'ActivateJobs', { type: 'farm.stream', worker: 'farm-1', timeout: '60000', maxJobsToActivate: 32, requestTimeout: '-1', tenantIds: ['<default>'] }));
  const polled = (backfill.messages[0]?.['jobs'] as Record<string, unknown>[] | undefined) ?? [];
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect([...polled, ...pushed].map((job) => job['processInstanceKey'])).toEqual([older.processInstanceKey]);
  const olderCount = pushed.length;

  const newer = await createInstance();
  const deadline = Date.now() + 5_000;
  while (pushed.length === olderCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const newest = pushed.slice(olderCount);
  expect(newest).toHaveLength(1);
  expect(newest[0]).toMatchObject({ processInstanceKey: newer.processInstanceKey, worker: 'farm-1', tenantId: '<default>', variables: '{"orderId":"o-7"}' });
  await unaryCall(client, 'CompleteJob', { jobKey: newest[0]?.['key'], variables: '{"done":true}' });
  expect(running.engine.queries.processInstance(newer.processInstanceKey)?.state).toBe('COMPLETED');
  stream.cancel();
});
