// The REST API as Camunda's own typed client sees it (@camunda8/orchestration-cluster-api, the
// client the farm uses), with the client's response validation strict: every answer must match
// the 8.9 schemas the client ships, not only the shapes this layer's types claim.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createCamundaClient, IncidentKey, JobKey, ProcessDefinitionKey, ProcessInstanceKey, UserTaskKey } from '@camunda8/orchestration-cluster-api';
import type { CamundaClient } from '@camunda8/orchestration-cluster-api';
import type { Engine } from '../../src/api.ts';
import { Clock } from '../../src/clock.ts';
import { createEngine } from '../../src/engine.ts';
import { createRestServer } from '../../src/rest/server.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const NOW = { consistency: { waitUpToMs: 0 } } as const;

const processXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_sdk" targetNamespace="http://test">
  <bpmn:message id="Message_Go" name="Go">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=orderId" /></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="sdk-order" name="SDK order" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:serviceTask id="ServiceTask_Work">
      <bpmn:extensionElements><zeebe:taskDefinition type="sdk.work.v1" retries="1" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="Catch_Go"><bpmn:messageEventDefinition messageRef="Message_Go" /></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="UserTask_Check" name="Check">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="sdk-check" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ServiceTask_Work" />
    <bpmn:sequenceFlow id="f2" sourceRef="ServiceTask_Work" targetRef="Catch_Go" />
    <bpmn:sequenceFlow id="f3" sourceRef="Catch_Go" targetRef="UserTask_Check" />
    <bpmn:sequenceFlow id="f4" sourceRef="UserTask_Check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
const formJson = JSON.stringify({ id: 'sdk-check', type: 'default', components: [] });

describe('REST API through the orchestration-cluster-api client', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let client: CamundaClient;

  beforeAll(async () => {
    engine = await createEngine({ clock: new Clock({ pinnedAt: T0 }) });
    app = await createRestServer({ engine });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    client = createCamundaClient({
      env: {
        CAMUNDA_REST_ADDRESS: `http://127.0.0.1:${port}`,
        CAMUNDA_AUTH_STRATEGY: 'NONE',
        CAMUNDA_SDK_VALIDATION: 'req:strict,res:strict',
        CAMUNDA_SDK_LOG_LEVEL: 'error',
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('runs an instance end to end with every answer valid against the client’s schemas', async () => {
    const topology = await client.getTopology();
    expect(topology.partitionsCount).toBe(1);
    await client.getStatus();

    const deployment = await client.createDeployment({
      resources: [new File([processXml], 'sdk-order.bpmn'), new File([formJson], 'sdk-check.form')],
    });
    expect(deployment.deployments).toHaveLength(2);

    const created = await client.createProcessInstance({ processDefinitionId: 'sdk-order' as never, variables: { orderId: 'S-1' } });
    const processInstanceKey = created.processInstanceKey;

    const { jobs } = await client.activateJobs({ type: 'sdk.work.v1', worker: 'sdk', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.variables).toEqual({ orderId: 'S-1' });
    await client.updateJob({ jobKey: JobKey.assumeExists(job.jobKey), changeset: { retries: 2 } });
    await client.failJob({ jobKey: JobKey.assumeExists(job.jobKey), retries: 0, errorMessage: 'boom' });

    const incidents = await client.searchIncidents({ filter: { processInstanceKey } }, NOW);
    expect(incidents.items.map((incident) => incident.errorType)).toEqual(['JOB_NO_RETRIES']);
    const jobSearch = await client.searchJobs({ filter: { processInstanceKey } }, NOW);
    expect(jobSearch.items.map((found) => found.state)).toEqual(['FAILED']);
    await client.updateJob({ jobKey: JobKey.assumeExists(job.jobKey), changeset: { retries: 1 } });
    await client.resolveIncident({ incidentKey: IncidentKey.assumeExists(incidents.items[0]!.incidentKey) });
    const again = await client.activateJobs({ type: 'sdk.work.v1', worker: 'sdk', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 });
    await client.completeJob({ jobKey: JobKey.assumeExists(again.jobs[0]!.jobKey), variables: { worked: true } });

    await client.publishMessage({ name: 'Go', correlationKey: 'S-1', timeToLive: 10_000, messageId: 'go-1' });

    const tasks = await client.searchUserTasks({ filter: { processInstanceKey } }, NOW);
    const userTaskKey = UserTaskKey.assumeExists(tasks.items[0]!.userTaskKey);
    const form = await client.getUserTaskForm({ userTaskKey }, NOW);
    expect(form).toMatchObject({ formId: 'sdk-check' });
    await client.assignUserTask({ userTaskKey, assignee: 'ana' });
    await client.unassignUserTask({ userTaskKey });
    await client.completeUserTask({ userTaskKey, variables: { checked: true } });

    const instance = await client.getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) }, NOW);
    expect(instance.state).toBe('COMPLETED');
    const instances = await client.searchProcessInstances({ filter: { variables: [{ name: 'orderId', value: '"S-1"' }] }, sort: [{ field: 'startDate', order: 'DESC' }], page: { from: 0, limit: 10 } }, NOW);
    expect(instances.items.map((item) => item.processInstanceKey)).toEqual([processInstanceKey]);
    const elements = await client.searchElementInstances({ filter: { processInstanceKey } }, NOW);
    expect(elements.items.map((element) => element.elementId)).toEqual(expect.arrayContaining(['start', 'ServiceTask_Work', 'Catch_Go', 'UserTask_Check', 'end']));
    const variables = await client.searchVariables({ filter: { processInstanceKey } }, NOW);
    expect(variables.items.map((variable) => variable.name).sort()).toEqual(['checked', 'orderId', 'worked']);
    const definitions = await client.searchProcessDefinitions({ filter: { processDefinitionId: 'sdk-order' } }, NOW);
    const xml = await client.getProcessDefinitionXml({ processDefinitionKey: ProcessDefinitionKey.assumeExists(definitions.items[0]!.processDefinitionKey) }, NOW);
    expect(String(xml)).toContain('sdk-order');

    await client.pinClock({ timestamp: T0 + 1000 });
    expect(engine.clock().now).toBe(T0 + 1000);
    await client.resetClock();
    const signal = await client.broadcastSignal({ signalName: 'Nothing' });
    expect(typeof signal.signalKey).toBe('string');
  });

  it('surfaces a missing instance as the client’s 404 error', async () => {
    await expect(client.getProcessInstance({ processInstanceKey: ProcessInstanceKey.assumeExists('2251799813999999') }, NOW)).rejects.toMatchObject({ status: 404 });
  });
});
