// Call activities: a child instance per call, variables in and out, errors propagating to the
// parent, a missing called process as CALLED_ELEMENT_ERROR.
import { docs } from './support/docs.ts';
import { boundaryEvent, callActivity, chain, endEvent, error, errorRef, flow, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually, expectEventually } from './support/eventually.ts';
import { activeIncident, elementReaches, instanceReaches, processInstances, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, parse, start, takeJob, throwError } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

describe(`Call activities (${docs.callActivities})`, () => {
  test('the child runs as its own instance with the parent\'s variables; its variables come back to the parent', async () => {
    const [parentId, childId, type] = [unique('parent'), unique('child'), unique('type')];
    await deploy(childId, model(childId, [startEvent(), serviceTask('childTask', type), endEvent(), ...chain('start', 'childTask', 'end')]));
    await deploy(parentId, model(parentId, [startEvent(), callActivity('call', childId), endEvent(), ...chain('start', 'call', 'end')]));
    const parentKey = await start(parentId, { orderId: 'c-1' });
    const job = await takeJob(type);
    expect(job.bpmnProcessId).toBe(childId);
    expect(parse(job)).toMatchObject({ orderId: 'c-1' });
    const child = await eventually(() => processInstances({ processDefinitionId: childId }), (found) => found.items.length === 1, { what: 'the child instance' });
    expect(String(child.items[0]?.parentProcessInstanceKey)).toBe(parentKey);
    await complete(job, { fromChild: 'hello' });
    await instanceReaches(parentKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(parentKey), (variables) => expect(variables).toMatchObject({ orderId: 'c-1', fromChild: 'hello' }));
  });

  test('an error thrown in the child is caught by an error boundary on the call activity', async () => {
    const [parentId, childId, type] = [unique('parent-err'), unique('child-err'), unique('type')];
    await deploy(childId, model(childId, [startEvent(), serviceTask('childTask', type), endEvent(), ...chain('start', 'childTask', 'end')]));
    await deploy(
      parentId,
      model(parentId, [startEvent(), callActivity('call', childId), endEvent(), boundaryEvent('childFailed', 'call', errorRef('errC')), endEvent('failed'), ...chain('start', 'call', 'end'), flow('childFailed', 'failed')], [error('errC', 'CHILD_FAILED')]),
    );
    const parentKey = await start(parentId);
    await throwError(await takeJob(type), 'CHILD_FAILED');
    await instanceReaches(parentKey, 'COMPLETED');
    await elementReaches(parentKey, 'failed', 'COMPLETED');
    await eventually(() => processInstances({ processDefinitionId: childId }), (found) => found.items[0]?.state === 'TERMINATED', { what: 'the child terminated' });
  });

  test('a called process that is not deployed → CALLED_ELEMENT_ERROR incident; deploying it and resolving goes on', async () => {
    const [parentId, childId] = [unique('parent-missing'), unique('child-missing')];
    await deploy(parentId, model(parentId, [startEvent(), callActivity('call', childId), endEvent(), ...chain('start', 'call', 'end')]));
    const parentKey = await start(parentId);
    const incident = await activeIncident(parentKey);
    expect(incident.errorType).toBe('CALLED_ELEMENT_ERROR');
    expect(incident.elementId).toBe('call');
    await deploy(childId, model(childId, [startEvent(), endEvent(), ...chain('start', 'end')]));
    await grpc().resolveIncident({ incidentKey: String(incident.incidentKey) });
    await instanceReaches(parentKey, 'COMPLETED');
  });

  test('cancelling the parent terminates the child', async () => {
    const [parentId, childId, type] = [unique('parent-cancel'), unique('child-cancel'), unique('type')];
    await deploy(childId, model(childId, [startEvent(), serviceTask('childTask', type), endEvent(), ...chain('start', 'childTask', 'end')]));
    await deploy(parentId, model(parentId, [startEvent(), callActivity('call', childId), endEvent(), ...chain('start', 'call', 'end')]));
    const parentKey = await start(parentId);
    await takeJob(type);
    await grpc().cancelProcessInstance(parentKey);
    await instanceReaches(parentKey, 'TERMINATED');
    await eventually(() => processInstances({ processDefinitionId: childId }), (found) => found.items[0]?.state === 'TERMINATED', { what: 'the child terminated' });
  });
});
