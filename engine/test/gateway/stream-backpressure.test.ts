// Job push backpressure, as Camunda documents it for job streaming: a worker that cannot take more
// (it stopped reading its stream, or does not answer its jobs) gets no more pushed once
// MAX_UNANSWERED_PUSHES of its pushed jobs are unanswered; jobs it cannot take go to other workers
// (here a poll and a second stream) instead of piling up for it, and answers make room again.
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { MAX_UNANSWERED_PUSHES } from '../../src/gateway/job-dispatch.ts';
import { serviceTaskProcess } from './models.ts';
import { drain, rawGateway, streamCall, unaryCall, type RawGateway } from './raw-client.ts';

const JOBS = MAX_UNANSWERED_PUSHES * 3;
let running: RunningEngine;
let client: RawGateway;

beforeAll(async () => {
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1' });
  client = rawGateway(running.grpcAddress);
  await unaryCall(client, 'DeployResource', { resources: [{ name: 'backpressure.bpmn', content: Buffer.from(serviceTaskProcess('backpressure', 'bp.work')) }] });
});

afterAll(async () => {
  client.close();
  await running.stop();
});

const poll = async (max: number): Promise<Record<string, unknown>[]> => {
  const answer = await drain(streamCall(client, 'ActivateJobs', { type: 'bp.work', worker: 'poller', timeout: '600000', maxJobsToActivate: max, requestTimeout: '-1', tenantIds: ['<default>'] }));
  return answer.messages.flatMap((m) => (m['jobs'] as Record<string, unknown>[] | undefined) ?? []);
};
const createInstances = async (n: number) => {
  for (let i = 0; i < n; i++) await unaryCall(client, 'CreateProcessInstance', { bpmnProcessId: 'backpressure', version: -1, variables: JSON.stringify({ i }) });
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

it('a worker that takes no more gets at most MAX_UNANSWERED_PUSHES pushed; the rest go to a poll; answers make room again', async () => {
  // a worker that stops reading (no 'data' listener): nothing it was pushed gets answered
  const stuck = streamCall(client, 'StreamActivatedJobs', { type: 'bp.work', worker: 'stuck', timeout: '600000', fetchVariable: [], tenantIds: ['<default>'] });
  stuck.on('error', () => undefined);
  await new Promise((resolve) => stuck.once('metadata', resolve));

  await createInstances(JOBS);
  await settle();
  const polled = await poll(JOBS);
  expect(polled).toHaveLength(JOBS - MAX_UNANSWERED_PUSHES);

  // a reading worker answers what it gets: it is pushed new jobs as they come, past the bound
  const answering = streamCall(client, 'StreamActivatedJobs', { type: 'bp.work', worker: 'answering', timeout: '600000', fetchVariable: [], tenantIds: ['<default>'] });
  let answered = 0;
  answering.on('data', (job: Record<string, unknown>) => void unaryCall(client, 'CompleteJob', { jobKey: job['key'], variables: '{}' }).then(() => answered++));
  answering.on('error', () => undefined);
  await new Promise((resolve) => answering.once('metadata', resolve));
  await createInstances(MAX_UNANSWERED_PUSHES * 2);
  const until = Date.now() + 10_000;
  while (answered < MAX_UNANSWERED_PUSHES * 2 && Date.now() < until) await settle();
  // round-robin skips the full stream: every new job went to the answering one
  expect(answered).toBe(MAX_UNANSWERED_PUSHES * 2);
  stuck.cancel();
  answering.cancel();
});
