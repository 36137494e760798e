// Durability: every acknowledged command survives kill -9 of the engine, and a restart recovers
// instances, jobs and buffered messages. Only against the project's engine (it is started here as a
// process on a fresh data directory); skipped against a remote cluster, which cannot be killed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { docs } from './support/docs.ts';
import { chain, endEvent, intermediateCatch, message, messageRef, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually } from './support/eventually.ts';
import { freePort, startEngineProcess, type EngineProcess } from './support/engine-process.ts';
import { target } from './support/target.ts';
import { unique } from './support/names.ts';

const describeLocal = target === 'local-engine' ? describe : describe.skip;

describeLocal(`Durability: kill -9 mid-load, restart, nothing lost (${docs.resilience})`, () => {
  let dataDir: string;
  let engine: EngineProcess | undefined;
  let client: ZeebeGrpcClient | undefined;
  let ports: { grpcPort: number; restPort: number };

  const connect = (running: EngineProcess) =>
    new Camunda8({ ZEEBE_GRPC_ADDRESS: running.grpcAddress, ZEEBE_REST_ADDRESS: running.restAddress, CAMUNDA_AUTH_STRATEGY: 'NONE', CAMUNDA_LOG_LEVEL: 'error', zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: 'NONE', ZEEBE_GRPC_CLIENT_RETRY: false } }).getZeebeGrpcApiClient();

  const restSearch = async (resource: string, filter: Record<string, unknown>) => {
    const response = await fetch(`${engine!.restAddress}/v2/${resource}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ filter, page: { limit: 1000 } }) });
    return (await response.json()) as { items: Record<string, unknown>[]; page: { totalItems: number } };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'conformance-durability-'));
    ports = { grpcPort: await freePort(), restPort: await freePort() };
    engine = await startEngineProcess({ dataDir, ...ports });
    client = connect(engine);
  });

  afterAll(async () => {
    await client?.close(2_000);
    await engine?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('instances, completed jobs, open jobs and buffered messages acknowledged before the kill are all there after the restart', async () => {
    const processId = unique('durable');
    const [type, name] = [unique('type'), unique('Durable')];
    await client!.deployResource({
      process: Buffer.from(model(processId, [startEvent(), serviceTask('task', type), intermediateCatch('wait', messageRef('msg')), endEvent(), ...chain('start', 'task', 'wait', 'end')], [message('msg', name, '=key')])),
      name: `${processId}.bpmn`,
    });

    // load: instance creations in flight while the engine is killed; only acknowledged ones count
    const acknowledged: string[] = [];
    let stopLoad = false;
    const load = (async () => {
      for (let n = 0; !stopLoad; n++) {
        try {
          const created = await client!.createProcessInstance({ bpmnProcessId: processId, variables: { key: `k-${n}` } });
          acknowledged.push(String(created.processInstanceKey));
        } catch {
          return; // the engine is gone
        }
      }
    })();
    await eventually(async () => acknowledged.length, (n) => n >= 20, { what: '20 acknowledged instances' });

    // a few jobs completed (acknowledged), a buffered message published (acknowledged)
    const jobs = await client!.activateJobs({ type, worker: 'durable', maxJobsToActivate: 5, timeout: 60_000, requestTimeout: 2_000 });
    for (const job of jobs) await client!.completeJob({ jobKey: job.key, variables: { worked: true } });
    const completedJobKeys = jobs.map((job) => job.key);
    await client!.publishMessage({ name, correlationKey: 'buffered-key', timeToLive: 3_600_000, variables: { fromBuffer: true } });

    await engine!.kill();
    stopLoad = true;
    await load;
    await client!.close(1_000);

    engine = await startEngineProcess({ dataDir, ...ports });
    client = connect(engine);

    const instances = await restSearch('process-instances', { processDefinitionId: processId });
    const recovered = new Set(instances.items.map((item) => String(item['processInstanceKey'])));
    for (const key of acknowledged) expect(recovered.has(key)).toBe(true);

    // completed jobs stay completed: their instances wait at the message, not at the task
    for (const jobKey of completedJobKeys) {
      const refused = await client!.completeJob({ jobKey, variables: {} }).then(() => 0, (error: { code?: number }) => error.code ?? -1);
      expect(refused).toBe(5); // NOT_FOUND
    }
    // every other acknowledged instance still has its job
    const remaining = await eventually(
      async () => client!.activateJobs({ type, worker: 'after-restart', maxJobsToActivate: 1000, timeout: 60_000, requestTimeout: -1 }),
      (found) => found.length >= acknowledged.length - completedJobKeys.length,
      { what: 'the open jobs after the restart' },
    );
    expect(remaining.length).toBeGreaterThanOrEqual(acknowledged.length - completedJobKeys.length);

    // the buffered message survived: a new instance with its key takes it
    const created = await client!.createProcessInstance({ bpmnProcessId: processId, variables: { key: 'buffered-key' } });
    const [job] = await client!.activateJobs({ type, worker: 'after-restart', maxJobsToActivate: 1, timeout: 60_000, requestTimeout: 5_000 });
    expect(job).toBeDefined();
    await client!.completeJob({ jobKey: job!.key, variables: {} });
    await eventually(
      () => restSearch('process-instances', { processInstanceKey: String(created.processInstanceKey) }),
      (found) => found.items[0]?.['state'] === 'COMPLETED',
      { what: 'the instance that took the buffered message to complete' },
    );
  }, 120_000);
});
