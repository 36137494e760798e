// Job workers: activation, timeouts, failures, backoff and the incidents of exhausted retries.
import { docs } from './support/docs.ts';
import { chain, endEvent, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually, expectEventually, sleep } from './support/eventually.ts';
import { activeIncident, incidents, instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, deployAndStart, start, GrpcStatus, jobsNow, parse, refusal, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

/** start → task (job type, retries) → end */
const oneTask = (processId: string, type: string, options: Parameters<typeof serviceTask>[2] = {}) => model(processId, [startEvent(), serviceTask('task', type, options), endEvent(), ...chain('start', 'task', 'end')]);

describe(`Job workers: activation (${docs.jobWorkers})`, () => {
  test('a job carries its type, retries and custom headers from zeebe:taskDefinition, keys as int64 strings', async () => {
    const processId = unique('jobs-headers');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, oneTask(processId, type, { retries: 5, headers: { channel: 'ops', level: '2' } }), { orderId: 'o-1' });
    const job = await takeJob(type);
    expect(job.type).toBe(type);
    expect(job.retries).toBe(5);
    expect(job.customHeaders).toEqual({ channel: 'ops', level: '2' });
    expect(job.bpmnProcessId).toBe(processId);
    expect(job.elementId).toBe('task');
    expect(String(job.processInstanceKey)).toBe(processInstanceKey);
    expect(job.key).toMatch(/^\d+$/);
    expect(BigInt(job.key)).toBeGreaterThan(BigInt(processInstanceKey));
    expect(parse(job)).toEqual({ orderId: 'o-1' });
    await complete(job);
    await instanceReaches(processInstanceKey, 'COMPLETED');
  });

  test('fetchVariable limits the job variables to the names asked for', async () => {
    const processId = unique('jobs-fetch');
    const type = unique('type');
    await deployAndStart(processId, oneTask(processId, type), { wanted: 1, other: 2 });
    const job = await takeJob(type, { fetchVariable: ['wanted'] });
    expect(parse(job)).toEqual({ wanted: 1 });
    await complete(job);
  });

  test('keys are monotonic: a later instance has a larger key', async () => {
    const processId = unique('jobs-keys');
    const type = unique('type');
    const first = await deployAndStart(processId, oneTask(processId, type));
    const second = await deployAndStart(processId, oneTask(processId, type));
    expect(BigInt(second)).toBeGreaterThan(BigInt(first));
  });
});

describe(`ActivateJobs long polling and requestTimeout (${docs.grpcApi})`, () => {
  test('a waiting ActivateJobs answers as soon as a job is created, before its requestTimeout', async () => {
    const processId = unique('jobs-longpoll');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const began = Date.now();
    const polling = grpc().activateJobs({ type, worker: 'long-poller', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: 20_000 });
    await sleep(500);
    await start(processId);
    const jobs = await polling;
    expect(jobs).toHaveLength(1);
    expect(Date.now() - began).toBeLessThan(15_000);
    await complete(jobs[0]!);
  });

  test('requestTimeout < 0 answers at once, with no job when none is activatable', async () => {
    const began = Date.now();
    const jobs = await jobsNow(unique('nothing'));
    expect(jobs).toEqual([]);
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  test('a long poll with no job ends empty after its requestTimeout', async () => {
    const began = Date.now();
    const jobs = await grpc().activateJobs({ type: unique('nothing'), worker: 'w', maxJobsToActivate: 1, timeout: 1_000, requestTimeout: 1_500 });
    expect(jobs).toEqual([]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_000);
  });
});

describe(`Job workers: timeout re-activation (${docs.jobWorkers})`, () => {
  test('a job not completed within its timeout is activatable again with the same retries; the stale worker then gets NOT_FOUND', async () => {
    const processId = unique('jobs-timeout');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, oneTask(processId, type, { retries: 3 }));
    const first = await takeJob(type, { worker: 'slow-worker', jobTimeoutMs: 1_000 });
    expect(await jobsNow(type)).toEqual([]); // activated: nobody else gets it while the timeout runs
    // the broker checks deadlines periodically: allow for that
    const again = await takeJob(type, { worker: 'second-worker', timeoutMs: 45_000 });
    expect(again.key).toBe(first.key);
    expect(again.retries).toBe(3);
    expect(again.worker).toBe('second-worker');
    await complete(again, { by: 'second' });
    const stale = await refusal(complete(first, { by: 'first' }));
    expect(stale.code).toBe(GrpcStatus.NOT_FOUND);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toMatchObject({ by: 'second' }));
  }, 90_000);

  test('UpdateJobTimeout extends an activated job\'s deadline', async () => {
    const processId = unique('jobs-timeout-update');
    const type = unique('type');
    await deployAndStart(processId, oneTask(processId, type));
    const job = await takeJob(type, { jobTimeoutMs: 2_000 });
    await grpc().updateJobTimeout({ jobKey: job.key, timeout: 120_000 });
    await sleep(4_000);
    expect(await jobsNow(type)).toEqual([]);
    await complete(job);
  }, 30_000);
});

describe(`Job workers: fail, backoff, re-activation (${docs.jobWorkers})`, () => {
  test('a failed job with retries left comes back after retryBackOff, with the retries given and the fail variables local to the task', async () => {
    const processId = unique('jobs-backoff');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, oneTask(processId, type, { retries: 3 }));
    const job = await takeJob(type);
    await grpc().failJob({ jobKey: job.key, retries: 2, errorMessage: 'try later', retryBackOff: 2_000, variables: { attempt: 1 } });
    expect(await jobsNow(type)).toEqual([]); // still backing off
    const again = await takeJob(type, { timeoutMs: 45_000 });
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(2);
    expect(parse(again)).toMatchObject({ attempt: 1 }); // visible from the task's scope…
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).not.toHaveProperty('attempt')); // …but not at process scope
    await expectEventually(() => scopeVariables(processInstanceKey, String(again.elementInstanceKey)), (variables) => expect(variables).toMatchObject({ attempt: 1 }));
    await complete(again);
    await instanceReaches(processInstanceKey, 'COMPLETED');
  }, 90_000);

  test('a failed job with retries left and no backoff is activatable at once', async () => {
    const processId = unique('jobs-fail-now');
    const type = unique('type');
    await deployAndStart(processId, oneTask(processId, type));
    const job = await takeJob(type);
    await grpc().failJob({ jobKey: job.key, retries: 1, errorMessage: 'again', retryBackOff: 0 });
    const again = await takeJob(type);
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(1);
    await complete(again);
  });
});

describe(`Incidents: a job out of retries (${docs.incidents})`, () => {
  test('retries 0 → JOB_NO_RETRIES incident; UpdateJobRetries + ResolveIncident → the job runs again and completes', async () => {
    const processId = unique('jobs-incident');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, oneTask(processId, type, { retries: 1 }));
    const job = await takeJob(type);
    await grpc().failJob({ jobKey: job.key, retries: 0, errorMessage: 'payment service down', retryBackOff: 0 });
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain('payment service down');
    expect(String(incident.jobKey)).toBe(job.key);
    expect(incident.elementId).toBe('task');
    expect(await jobsNow(type)).toEqual([]); // no retries: nobody gets it

    const completingFailed = await refusal(complete(job));
    expect(completingFailed.code).toBe(GrpcStatus.FAILED_PRECONDITION);

    await grpc().updateJobRetries({ jobKey: job.key, retries: 2 });
    await grpc().resolveIncident({ incidentKey: String(incident.incidentKey) });
    const again = await takeJob(type);
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(2);
    await complete(again, { paid: true });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await eventually(() => incidents({ incidentKey: String(incident.incidentKey) }), (found) => found.items[0]?.state === 'RESOLVED', { what: 'incident resolved' });
  });

  test('NOT_FOUND for a job or an incident that does not exist', async () => {
    const missing = '2251799813685249999';
    expect((await refusal(grpc().completeJob({ jobKey: missing, variables: {} }))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await refusal(grpc().failJob({ jobKey: missing, retries: 1, errorMessage: 'x', retryBackOff: 0 }))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await refusal(grpc().updateJobRetries({ jobKey: missing, retries: 1 }))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await refusal(grpc().resolveIncident({ incidentKey: missing }))).code).toBe(GrpcStatus.NOT_FOUND);
  });

  test('a completed job is gone: completing it again gets NOT_FOUND', async () => {
    const processId = unique('jobs-twice');
    const type = unique('type');
    await deployAndStart(processId, oneTask(processId, type));
    const job = await takeJob(type);
    await complete(job);
    expect((await refusal(complete(job))).code).toBe(GrpcStatus.NOT_FOUND);
  });
});
