// REST API v2 (8.8/8.9 shapes): keys as strings, searches with filter/sort/page answering items and
// page, problem documents for errors, jobs, incidents, deployments and definitions over REST.
import { docs } from './support/docs.ts';
import { chain, endEvent, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually } from './support/eventually.ts';
import { activeIncident, authHeaders, instanceReaches, processDefinitions, processInstances, rest, restBase, restOk, search, type ProblemDetail } from './support/rest.ts';
import { closeClients } from './support/target.ts';
import { deploy, start } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

const oneTask = (processId: string, type: string) => model(processId, [startEvent(), serviceTask('task', type, { retries: 2 }), endEvent(), ...chain('start', 'task', 'end')]);

const expectProblem = (response: { status: number; contentType: string; body: unknown }, status: number) => {
  expect(response.status).toBe(status);
  expect(response.contentType).toContain('application/problem+json');
  const problem = response.body as ProblemDetail;
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
};

describe(`REST: topology and deployments (${docs.restApi})`, () => {
  test('GET /v2/topology answers the brokers and partitions', async () => {
    const topology = await restOk<{ brokers: { partitions: unknown[] }[]; partitionsCount: number; clusterSize: number; gatewayVersion: string }>('GET', '/topology');
    expect(topology.brokers.length).toBeGreaterThanOrEqual(1);
    expect(topology.partitionsCount).toBeGreaterThanOrEqual(1);
    expect(typeof topology.gatewayVersion).toBe('string');
  });

  test('POST /v2/deployments (multipart) deploys a process and answers its keys as strings', async () => {
    const processId = unique('rest-deploy');
    const body = new FormData();
    body.append('resources', new Blob([oneTask(processId, 'noop')], { type: 'application/xml' }), `${processId}.bpmn`);
    const response = await fetch(`${restBase()}/deployments`, { method: 'POST', body, headers: await authHeaders() });
    expect(response.status).toBe(200);
    const deployed = (await response.json()) as { deploymentKey: string; deployments: { processDefinition?: { processDefinitionId: string; processDefinitionKey: string; processDefinitionVersion: number } }[] };
    expect(typeof deployed.deploymentKey).toBe('string');
    const definition = deployed.deployments[0]?.processDefinition;
    expect(definition?.processDefinitionId).toBe(processId);
    expect(definition?.processDefinitionKey).toMatch(/^\d+$/);
    expect(definition?.processDefinitionVersion).toBe(1);
  });
});

describe(`REST: process instances and definitions (${docs.restApi})`, () => {
  test('create, get and cancel a process instance; keys are strings', async () => {
    const processId = unique('rest-instance');
    const { processDefinitionKey } = await deploy(processId, oneTask(processId, unique('type')));
    const created = await restOk<{ processInstanceKey: string; processDefinitionKey: string; processDefinitionId: string; processDefinitionVersion: number }>('POST', '/process-instances', { processDefinitionId: processId, variables: { via: 'rest' } });
    expect(typeof created.processInstanceKey).toBe('string');
    expect(created.processDefinitionKey).toBe(processDefinitionKey);
    expect(created.processDefinitionId).toBe(processId);
    const fetched = await eventually(() => rest<{ processInstanceKey: string; state: string }>('GET', `/process-instances/${created.processInstanceKey}`), (response) => response.status === 200, { what: 'GET process instance' });
    expect(fetched.body.state).toBe('ACTIVE');
    expect(fetched.body.processInstanceKey).toBe(created.processInstanceKey);
    expect((await rest('POST', `/process-instances/${created.processInstanceKey}/cancellation`, {})).status).toBe(204);
    await instanceReaches(created.processInstanceKey, 'TERMINATED');
  });

  test('searches take filter, sort and page, and answer items with page.totalItems', async () => {
    const processId = unique('rest-search');
    await deploy(processId, oneTask(processId, unique('type')));
    const keys = [await start(processId), await start(processId), await start(processId)];
    const sortedDesc = [...keys].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));
    await eventually(() => processInstances({ processDefinitionId: processId }), (found) => found.page.totalItems === 3, { what: 'three instances' });

    const firstPage = await processInstances({ processDefinitionId: processId }, { sort: [{ field: 'processInstanceKey', order: 'DESC' }], page: { from: 0, limit: 2 } });
    expect(firstPage.page.totalItems).toBe(3);
    expect(firstPage.items.map((item) => item.processInstanceKey)).toEqual(sortedDesc.slice(0, 2));
    const secondPage = await processInstances({ processDefinitionId: processId }, { sort: [{ field: 'processInstanceKey', order: 'DESC' }], page: { from: 2, limit: 2 } });
    expect(secondPage.items.map((item) => item.processInstanceKey)).toEqual(sortedDesc.slice(2));

    const ascending = await processInstances({ processDefinitionId: processId, state: 'ACTIVE' }, { sort: [{ field: 'processInstanceKey', order: 'ASC' }] });
    expect(ascending.items.map((item) => item.processInstanceKey)).toEqual([...sortedDesc].reverse());
    const none = await processInstances({ processDefinitionId: processId, state: 'COMPLETED' });
    expect(none.items).toEqual([]);
    expect(none.page.totalItems).toBe(0);

    const elements = await search<{ elementId: string; type: string }>('element-instances', { filter: { processInstanceKey: keys[0], elementId: 'task' } });
    expect(elements.items).toHaveLength(1);
    expect(elements.items[0]?.type).toBe('SERVICE_TASK');
  });

  test('process definitions: search by id, and GET …/xml answers the deployed XML', async () => {
    const processId = unique('rest-definition');
    const xml = oneTask(processId, unique('type'));
    const { processDefinitionKey } = await deploy(processId, xml);
    const found = await eventually(() => processDefinitions({ processDefinitionId: processId }), (result) => result.items.length === 1, { what: 'the definition' });
    expect(found.items[0]?.processDefinitionKey).toBe(processDefinitionKey);
    expect(found.items[0]?.version).toBe(1);
    const fetched = await rest<string>('GET', `/process-definitions/${processDefinitionKey}/xml`);
    expect(fetched.status).toBe(200);
    expect(String(fetched.body)).toContain(`id="${processId}"`);
  });
});

describe(`REST: problem documents (${docs.restApi})`, () => {
  test('an unknown key is a 404 problem; an invalid body is a 400 problem', async () => {
    expectProblem(await rest('GET', '/process-instances/2251799813685249999'), 404);
    expectProblem(await rest('POST', '/process-instances', { variables: {} }), 400);
    expectProblem(await rest('POST', '/process-instances', { processDefinitionId: unique('never-deployed') }), 404);
    expectProblem(await rest('POST', '/jobs/2251799813685249999/completion', {}), 404);
  });
});

describe(`REST: jobs and incidents (${docs.restResolveIncident})`, () => {
  test('activate, fail to an incident, PATCH retries, resolve, activate and complete over REST', async () => {
    const processId = unique('rest-jobs');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const processInstanceKey = await start(processId, { n: 1 });
    const activate = () => restOk<{ jobs: { jobKey: string; retries: number; variables: Record<string, unknown>; processInstanceKey: string }[] }>('POST', '/jobs/activation', { type, worker: 'rest-worker', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: 2_000 });
    const first = await eventually(activate, (result) => result.jobs.length === 1, { what: 'a job over REST' });
    const job = first.jobs[0]!;
    expect(typeof job.jobKey).toBe('string');
    expect(job.processInstanceKey).toBe(processInstanceKey);
    expect(job.variables).toMatchObject({ n: 1 });
    expect(job.retries).toBe(2);

    expect((await rest('POST', `/jobs/${job.jobKey}/failure`, { retries: 0, errorMessage: 'rest failure' })).status).toBe(204);
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(typeof incident.incidentKey).toBe('string');
    expect((await rest('PATCH', `/jobs/${job.jobKey}`, { changeset: { retries: 1 } })).status).toBe(204);
    expect((await rest('POST', `/incidents/${incident.incidentKey}/resolution`, {})).status).toBe(204);

    const again = await eventually(activate, (result) => result.jobs.length === 1, { what: 'the job again' });
    expect(again.jobs[0]?.jobKey).toBe(job.jobKey);
    expect((await rest('POST', `/jobs/${job.jobKey}/completion`, { variables: { done: true } })).status).toBe(204);
    await instanceReaches(processInstanceKey, 'COMPLETED');
  });

  test('POST /v2/jobs/{key}/error throws a BPMN error (unhandled here → incident)', async () => {
    const processId = unique('rest-job-error');
    const type = unique('type');
    await deploy(processId, oneTask(processId, type));
    const processInstanceKey = await start(processId);
    const activated = await eventually(
      () => restOk<{ jobs: { jobKey: string }[] }>('POST', '/jobs/activation', { type, worker: 'rest-worker', timeout: 60_000, maxJobsToActivate: 1 }),
      (result) => result.jobs.length === 1,
      { what: 'a job over REST' },
    );
    expect((await rest('POST', `/jobs/${activated.jobs[0]!.jobKey}/error`, { errorCode: 'NOBODY_CATCHES', errorMessage: 'x' })).status).toBe(204);
    expect((await activeIncident(processInstanceKey)).errorType).toBe('UNHANDLED_ERROR_EVENT');
  });

  test('variables search answers values as JSON text and keys as strings', async () => {
    const processId = unique('rest-variables');
    await deploy(processId, oneTask(processId, unique('type')));
    const processInstanceKey = await start(processId, { amount: 12.5, customer: { name: 'Ada' } });
    const found = await eventually(
      () => search<{ name: string; value: string; variableKey: string; scopeKey: string }>('variables', { filter: { processInstanceKey }, sort: [{ field: 'name', order: 'ASC' }] }),
      (result) => result.items.length === 2,
      { what: 'two variables' },
    );
    expect(found.items.map((item) => item.name)).toEqual(['amount', 'customer']);
    expect(JSON.parse(found.items[1]!.value)).toEqual({ name: 'Ada' });
    expect(typeof found.items[0]!.variableKey).toBe('string');
    expect(found.items[0]!.scopeKey).toBe(processInstanceKey);
  });
});
