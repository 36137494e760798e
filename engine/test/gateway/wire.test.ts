// The gateway's wire behaviour below the SDK: argument refusals naming the field, status mapping,
// UNIMPLEMENTED RPCs, response headers on a registered job stream, round-robin between streams,
// a job given back when its stream is gone, and the streams ended when the gateway closes.
import * as grpc from '@grpc/grpc-js';
import { EngineError } from '../../src/api.ts';
import { startEngine, type RunningEngine } from '../../src/start.ts';
import { createFakeEngine, type FakeEngine } from './fake-engine.ts';
import { drain, rawGateway, streamCall, unaryCall, type RawGateway } from './raw-client.ts';

const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let fake: FakeEngine;
let running: RunningEngine;
let client: RawGateway;

beforeAll(async () => {
  fake = createFakeEngine();
  running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', engine: fake });
  client = rawGateway(running.grpcAddress);
});

afterAll(async () => {
  client.close();
  await running.stop();
});

describe('arguments refused before the engine sees them', () => {
  it.each([
    ['ActivateJobs', { type: ' ', worker: 'w', timeout: '1000', maxJobsToActivate: 1 }, "'type'"],
    ['ActivateJobs', { type: 't', worker: '', timeout: '1000', maxJobsToActivate: 1 }, "'worker'"],
    ['ActivateJobs', { type: 't', worker: 'w', timeout: '0', maxJobsToActivate: 1 }, "'timeout'"],
    ['ActivateJobs', { type: 't', worker: 'w', timeout: '1000', maxJobsToActivate: 0 }, "'maxJobsToActivate'"],
    ['StreamActivatedJobs', { type: '', worker: 'w', timeout: '1000' }, "'type'"],
  ])('%s %j → INVALID_ARGUMENT naming %s', async (method, request, field) => {
    const { error } = await drain(streamCall(client, method, request));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toContain(field);
  });

  it.each([
    ['CompleteJob', { jobKey: '1', variables: '{not json' }, "'variables'"],
    ['CompleteJob', { jobKey: '1', variables: '[1,2]' }, "'variables'"],
    ['CompleteJob', { jobKey: '0', variables: '{}' }, "'jobKey'"],
    ['FailJob', { jobKey: '-5', retries: 1 }, "'jobKey'"],
    ['CreateProcessInstance', { bpmnProcessId: '', processDefinitionKey: '0' }, 'bpmnProcessId'],
    ['CreateProcessInstance', { bpmnProcessId: 'p', variables: '"text"' }, "'variables'"],
    ['PublishMessage', { name: '', correlationKey: 'k' }, "'name'"],
    ['SetVariables', { elementInstanceKey: '7', variables: 'nope' }, "'variables'"],
    ['UpdateJobRetries', { jobKey: '7', retries: 0 }, "'retries'"],
    ['DeployResource', { resources: [] }, 'at least one resource'],
  ])('%s %j → INVALID_ARGUMENT naming %s', async (method, request, field) => {
    await expect(unaryCall(client, method, request)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining(field) });
  });
});

describe('status codes', () => {
  it('passes the engine’s RESOURCE_EXHAUSTED through (backpressure)', async () => {
    fake.failNext(new EngineError('RESOURCE_EXHAUSTED', 'Expected to handle the command, but the command queue is full'));
    await expect(unaryCall(client, 'PublishMessage', { name: 'm', correlationKey: 'k' })).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringContaining('queue is full') });
  });

  it('maps NOT_FOUND, FAILED_PRECONDITION and an unexpected error (INTERNAL, the server keeps serving)', async () => {
    await expect(unaryCall(client, 'ResolveIncident', { incidentKey: '12' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    const jobKey = fake.addJob('status.precondition');
    await expect(unaryCall(client, 'CompleteJob', { jobKey, variables: '' })).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    fake.failNext(new TypeError('boom') as unknown as EngineError);
    await expect(unaryCall(client, 'BroadcastSignal', { signalName: 's' })).rejects.toMatchObject({ code: grpc.status.INTERNAL, details: expect.stringContaining('boom') });
    await expect(unaryCall(client, 'Topology', {})).resolves.toMatchObject({ partitionsCount: 1 });
  });

  it('deploys through the deprecated DeployProcess too (processes only)', async () => {
    const answer = await unaryCall<{ key: string; processes: Record<string, unknown>[] }>(client, 'DeployProcess', {
      processes: [{ name: 'legacy.bpmn', definition: Buffer.from('<bpmn:process id="legacy"><zeebe:taskDefinition type="legacy.work" /></bpmn:process>') }],
    });
    expect(answer.key).toMatch(/^\d+$/);
    expect(answer.processes).toMatchObject([{ bpmnProcessId: 'legacy', version: 1, resourceName: 'legacy.bpmn' }]);
  });

  it('answers UNIMPLEMENTED for RPCs the engine does not support, by name', async () => {
    await expect(unaryCall(client, 'EvaluateDecision', { decisionId: 'd' })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED, details: expect.stringContaining('EvaluateDecision') });
    await expect(unaryCall(client, 'MigrateProcessInstance', { processInstanceKey: '1' })).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
  });

  it('times a long poll out with an empty end after its requestTimeout', async () => {
    const started = Date.now();
    const { messages, error } = await drain(streamCall(client, 'ActivateJobs', { type: 'poll.timeout', worker: 'w', timeout: '1000', maxJobsToActivate: 1, requestTimeout: '300' }));
    expect(error).toBeUndefined();
    expect(messages).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('hands out what is activatable at once, as int64 strings', async () => {
    const jobKey = fake.addJob('poll.now');
    const { messages } = await drain(streamCall(client, 'ActivateJobs', { type: 'poll.now', worker: 'w', timeout: '1000', maxJobsToActivate: 5, requestTimeout: '10000' }));
    const jobs = messages[0]?.['jobs'] as Record<string, unknown>[];
    expect(jobs.map((job) => job['key'])).toEqual([jobKey]);
    expect(typeof jobs[0]?.['deadline']).toBe('string');
  });
});

describe('job streams', () => {
  it('sends response headers as soon as the stream is registered, then pushes jobs round-robin', async () => {
    const first = streamCall(client, 'StreamActivatedJobs', { type: 'stream.rr', worker: 'a', timeout: '5000' });
    const second = streamCall(client, 'StreamActivatedJobs', { type: 'stream.rr', worker: 'b', timeout: '5000' });
    const headers = Promise.all([first, second].map((stream) => new Promise((resolve) => stream.once('metadata', resolve))));
    const seen: string[] = [];
    first.on('data', (job: Record<string, unknown>) => seen.push(`a:${String(job['key'])}`));
    second.on('data', (job: Record<string, unknown>) => seen.push(`b:${String(job['key'])}`));
    first.on('error', () => undefined);
    second.on('error', () => undefined);
    await headers;
    const keys = [fake.addJob('stream.rr'), fake.addJob('stream.rr'), fake.addJob('stream.rr'), fake.addJob('stream.rr')];
    await until(() => seen.length === 4);
    expect(seen.filter((entry) => entry.startsWith('a:'))).toHaveLength(2);
    expect(seen.map((entry) => entry.slice(2)).sort()).toEqual([...keys].sort());
    first.cancel();
    second.cancel();
  });

  it('offers a new stream the jobs announced just before it registered, and skips streams of other types', async () => {
    const before = fake.addJob('stream.late');
    const stream = streamCall(client, 'StreamActivatedJobs', { type: 'stream.late', worker: 'w', timeout: '5000' });
    const other = streamCall(client, 'StreamActivatedJobs', { type: 'stream.other', worker: 'w', timeout: '5000' });
    const received: unknown[] = [];
    stream.on('data', (job: Record<string, unknown>) => received.push(job['key']));
    other.on('data', (job: Record<string, unknown>) => received.push(`other:${String(job['key'])}`));
    stream.on('error', () => undefined);
    other.on('error', () => undefined);
    await new Promise((resolve) => stream.once('metadata', resolve));
    const after = fake.addJob('stream.late');
    await until(() => received.length === 2);
    expect(received.sort()).toEqual([before, after].sort());
    stream.cancel();
    other.cancel();
  });

  it('gives a job back when its stream is gone before the push, and a waiting poll then gets it', async () => {
    const stream = streamCall(client, 'StreamActivatedJobs', { type: 'stream.gone', worker: 'w', timeout: '5000' });
    stream.on('error', () => undefined);
    await new Promise((resolve) => stream.once('metadata', resolve));
    stream.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const poll = drain(streamCall(client, 'ActivateJobs', { type: 'stream.gone', worker: 'poller', timeout: '1000', maxJobsToActivate: 5, requestTimeout: '3000' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const jobKey = fake.addJob('stream.gone');
    const { messages } = await poll;
    expect((messages[0]?.['jobs'] as Record<string, unknown>[]).map((job) => job['key'])).toEqual([jobKey]);
  });
});
