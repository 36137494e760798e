// The REST API over the real runtime (createEngine): a process deployed over multipart, driven by
// REST calls only, read back through the searches.
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../src/api.ts';
import { Clock } from '../../src/clock.ts';
import { memoryJournal } from '../../src/durability.ts';
import type { Journal } from '../../src/durability.ts';
import { createEngine } from '../../src/engine.ts';
import { createRestServer } from '../../src/rest/server.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const processXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_rest" targetNamespace="http://test">
  <bpmn:message id="Message_Ready" name="Ready">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="rest-order" name="REST order" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="ServiceTask_Reserve" name="Reserve">
      <bpmn:extensionElements><zeebe:taskDefinition type="rest.reserve.v1" retries="2" /><zeebe:taskHeaders><zeebe:header key="lane" value="ops" /></zeebe:taskHeaders></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:receiveTask id="ReceiveTask_Ready" messageRef="Message_Ready" />
    <bpmn:userTask id="UserTask_Review" name="Review">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="rest-review" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ServiceTask_Reserve" />
    <bpmn:sequenceFlow id="f2" sourceRef="ServiceTask_Reserve" targetRef="ReceiveTask_Ready" />
    <bpmn:sequenceFlow id="f3" sourceRef="ReceiveTask_Ready" targetRef="UserTask_Review" />
    <bpmn:sequenceFlow id="f4" sourceRef="UserTask_Review" targetRef="end" />
  </bpmn:process>
  <bpmn:process id="rest-straight" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="g1" sourceRef="s" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

const formJson = JSON.stringify({ id: 'rest-review', type: 'default', components: [{ key: 'approved', type: 'checkbox', label: 'Approved' }] });

async function deploy(app: FastifyInstance) {
  const form = new FormData();
  form.append('resources', new Blob([processXml]), 'rest-order.bpmn');
  form.append('resources', new Blob([formJson]), 'rest-review.form');
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return app.inject({
    method: 'POST',
    url: '/v2/deployments',
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

describe('REST API over the real engine', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeEach(async () => {
    engine = await createEngine({ clock: new Clock({ pinnedAt: T0 }) });
    app = await createRestServer({ engine });
  });
  afterEach(async () => {
    await app.close();
    await engine.close();
  });

  const post = async (url: string, payload: object = {}) => app.inject({ method: 'POST', url, payload });

  it('deploys, runs an order through job, message and user task, and reads it all back', async () => {
    const deployment = await deploy(app);
    expect(deployment.statusCode).toBe(200);
    const deployed = deployment.json().deployments;
    expect(deployed.map((entry: { processDefinition: { processDefinitionId: string } | null; form: { formId: string } | null }) => entry.processDefinition?.processDefinitionId ?? entry.form?.formId).sort()).toEqual([
      'rest-order',
      'rest-review',
      'rest-straight',
    ]);

    const created = await post('/v2/process-instances', { processDefinitionId: 'rest-order', variables: { orderId: 'A-1' } });
    expect(created.statusCode).toBe(200);
    const processInstanceKey: string = created.json().processInstanceKey;

    const activation = await post('/v2/jobs/activation', { type: 'rest.reserve.v1', worker: 'rest-test', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 });
    const [job] = activation.json().jobs;
    expect(job).toMatchObject({ processInstanceKey, elementId: 'ServiceTask_Reserve', retries: 2, customHeaders: { lane: 'ops' }, variables: { orderId: 'A-1' }, deadline: T0 + 60_000 });
    expect((await post(`/v2/jobs/${job.jobKey}/completion`, { variables: { reservationId: 'r-1' } })).statusCode).toBe(204);
    expect((await post(`/v2/jobs/${job.jobKey}/completion`, {})).statusCode).toBe(404);

    expect((await post('/v2/messages/correlation', { name: 'Ready', correlationKey: 'nobody' })).statusCode).toBe(404);
    const correlated = await post('/v2/messages/correlation', { name: 'Ready', correlationKey: 'A-1', variables: { ready: true } });
    expect(correlated.statusCode).toBe(200);
    expect(correlated.json().processInstanceKey).toBe(processInstanceKey);

    const tasks = (await post('/v2/user-tasks/search', { filter: { processInstanceKey, state: 'CREATED' } })).json();
    expect(tasks.page.totalItems).toBe(1);
    const task = tasks.items[0];
    expect(task).toMatchObject({ elementId: 'UserTask_Review', name: 'Review', processDefinitionId: 'rest-order', processName: 'REST order', assignee: null });
    const form = await app.inject({ method: 'GET', url: `/v2/user-tasks/${task.userTaskKey}/form` });
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({ formId: 'rest-review', version: 1 });
    expect(JSON.parse(form.json().schema)).toMatchObject({ id: 'rest-review' });
    expect((await post(`/v2/user-tasks/${task.userTaskKey}/assignment`, { assignee: 'ana' })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/v2/user-tasks/${task.userTaskKey}` })).json().assignee).toBe('ana');
    expect((await post(`/v2/user-tasks/${task.userTaskKey}/completion`, { variables: { approved: true } })).statusCode).toBe(204);

    const instance = (await app.inject({ method: 'GET', url: `/v2/process-instances/${processInstanceKey}` })).json();
    expect(instance).toMatchObject({ state: 'COMPLETED', processDefinitionId: 'rest-order', processDefinitionName: 'REST order', hasIncident: false });
    expect(instance.endDate).toBe(new Date(T0).toISOString());

    const variables = (await post('/v2/variables/search', { filter: { processInstanceKey }, sort: [{ field: 'name' }] })).json().items;
    expect(Object.fromEntries(variables.map((variable: { name: string; value: string }) => [variable.name, JSON.parse(variable.value)]))).toEqual({
      approved: true,
      orderId: 'A-1',
      ready: true,
      reservationId: 'r-1',
    });

    const byVariable = (await post('/v2/process-instances/search', { filter: { variables: [{ name: 'orderId', value: '"A-1"' }], state: 'COMPLETED' } })).json();
    expect(byVariable.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([processInstanceKey]);

    const elements = (await post('/v2/element-instances/search', { filter: { processInstanceKey, type: 'USER_TASK' } })).json().items;
    expect(elements).toEqual([expect.objectContaining({ elementId: 'UserTask_Review', state: 'COMPLETED', type: 'USER_TASK' })]);
  });

  it('raises an incident when a job runs out of retries and resolves it over REST', async () => {
    await deploy(app);
    const { processInstanceKey } = (await post('/v2/process-instances', { processDefinitionId: 'rest-order', variables: { orderId: 'B-2' } })).json();
    const [job] = (await post('/v2/jobs/activation', { type: 'rest.reserve.v1', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 })).json().jobs;
    expect((await post(`/v2/jobs/${job.jobKey}/failure`, { retries: 0, errorMessage: 'inventory down' })).statusCode).toBe(204);

    const incidents = (await post('/v2/incidents/search', { filter: { processInstanceKey, state: 'ACTIVE' } })).json().items;
    expect(incidents).toEqual([expect.objectContaining({ errorType: 'JOB_NO_RETRIES', errorMessage: 'inventory down', jobKey: job.jobKey, elementId: 'ServiceTask_Reserve' })]);
    expect((await app.inject({ method: 'GET', url: `/v2/process-instances/${processInstanceKey}` })).json().hasIncident).toBe(true);

    expect((await app.inject({ method: 'PATCH', url: `/v2/jobs/${job.jobKey}`, payload: { changeset: { retries: 1 } } })).statusCode).toBe(204);
    expect((await post(`/v2/incidents/${incidents[0].incidentKey}/resolution`)).statusCode).toBe(204);
    expect((await post(`/v2/incidents/${incidents[0].incidentKey}/resolution`)).statusCode).toBeGreaterThanOrEqual(400);
    const again = (await post('/v2/jobs/activation', { type: 'rest.reserve.v1', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 })).json().jobs;
    expect(again.map((found: { jobKey: string }) => found.jobKey)).toEqual([job.jobKey]);
    expect((await post(`/v2/jobs/${job.jobKey}/error`, { errorCode: 'NOPE' })).statusCode).toBe(204);
    const unhandled = (await post('/v2/incidents/search', { filter: { processInstanceKey, errorType: 'UNHANDLED_ERROR_EVENT' } })).json();
    expect(unhandled.page.totalItems).toBe(1);
  });

  it('awaits completion of a straight-through process and cancels a waiting one', async () => {
    await deploy(app);
    const straight = await post('/v2/process-instances', { processDefinitionId: 'rest-straight', variables: { a: 1 }, awaitCompletion: true });
    expect(straight.statusCode).toBe(200);
    expect(straight.json().variables).toEqual({ a: 1 });

    const waiting = await post('/v2/process-instances', { processDefinitionId: 'rest-order', variables: { orderId: 'C-3' }, awaitCompletion: true, requestTimeout: 200 });
    expect(waiting.statusCode).toBe(504);
    const [instance] = (await post('/v2/process-instances/search', { filter: { variables: [{ name: 'orderId', value: '"C-3"' }] } })).json().items;
    expect((await post(`/v2/process-instances/${instance.processInstanceKey}/cancellation`)).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/v2/process-instances/${instance.processInstanceKey}` })).json().state).toBe('TERMINATED');
    expect((await post(`/v2/process-instances/${instance.processInstanceKey}/cancellation`)).statusCode).toBe(404);
  });

  it('pins the engine clock, lists process definitions and serves their XML', async () => {
    await deploy(app);
    expect((await app.inject({ method: 'PUT', url: '/v2/clock', payload: { timestamp: T0 + 3_600_000 } })).statusCode).toBe(204);
    expect(engine.clock().now).toBe(T0 + 3_600_000);
    const definitions = (await post('/v2/process-definitions/search', { filter: { isLatestVersion: true }, sort: [{ field: 'processDefinitionId' }] })).json().items;
    expect(definitions.map((definition: { processDefinitionId: string }) => definition.processDefinitionId)).toEqual(['rest-order', 'rest-straight']);
    const xml = await app.inject({ method: 'GET', url: `/v2/process-definitions/${definitions[0].processDefinitionKey}/xml` });
    expect(xml.body).toContain('id="rest-order"');
    expect((await post('/v2/clock/reset')).statusCode).toBe(204);
  });

  it('a waiting job activation answers as soon as the runtime creates a job of its type', async () => {
    await deploy(app);
    const started = Date.now();
    const polling = post('/v2/jobs/activation', { type: 'rest.reserve.v1', worker: 'poller', timeout: 60_000, maxJobsToActivate: 2, requestTimeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { processInstanceKey } = (await post('/v2/process-instances', { processDefinitionId: 'rest-order', variables: { orderId: 'D-4' } })).json();
    const { jobs } = (await polling).json();
    expect(jobs.map((job: { processInstanceKey: string; worker: string }) => [job.processInstanceKey, job.worker])).toEqual([[processInstanceKey, 'poller']]);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('answers the runtime’s backpressure with 503 and Retry-After, never a lost request', async () => {
    // a disk that takes 50 ms per flush keeps commands in flight long enough to fill the queue
    const base = memoryJournal();
    const slowDisk: Journal = {
      recover: () => base.recover(),
      append: (entry) => base.append(entry),
      flushed: () => new Promise((resolve) => setTimeout(resolve, 50)),
      writeSnapshot: (state) => base.writeSnapshot(state),
      get entriesSinceSnapshot() {
        return base.entriesSinceSnapshot;
      },
      close: () => base.close(),
    };
    const small = await createEngine({ clock: new Clock({ pinnedAt: T0 }), journal: slowDisk, maxQueuedCommands: 2 });
    const smallApp = await createRestServer({ engine: small });
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, index) => smallApp.inject({ method: 'POST', url: '/v2/messages/publication', payload: { name: 'Flood', correlationKey: `k-${index}`, timeToLive: 60_000 } })),
      );
      const statuses = answers.map((answer) => answer.statusCode);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      const refused = answers.filter((answer) => answer.statusCode === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) {
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.json().title).toBe('RESOURCE_EXHAUSTED');
      }
    } finally {
      await smallApp.close();
      await small.close();
    }
  });

  it('answers a deployment the engine refuses with a 400 naming the file', async () => {
    const form = new FormData();
    form.append('resources', new Blob(['<not-bpmn']), 'broken.bpmn');
    const request = new Request('http://localhost/', { method: 'POST', body: form });
    const response = await app.inject({
      method: 'POST',
      url: '/v2/deployments',
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('broken.bpmn');
  });
});
