import { bpmnResource, pinnedEngine, stateOf, T0, variablesOf } from '../engine/harness.ts';

const MESSAGE = '<bpmn:message id="Msg" name="go"><bpmn:extensionElements><zeebe:subscription correlationKey="=key" /></bpmn:extensionElements></bpmn:message>';
const catcher = bpmnResource('catcher', `<bpmn:process id="catcher" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition id="md" messageRef="Msg" /></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>`, MESSAGE);

async function setup() {
  const engine = await pinnedEngine();
  await engine.deploy([catcher]);
  return engine;
}

describe('messages', () => {
  it('correlates to a waiting subscription by name and correlation key, with its variables', async () => {
    const engine = await setup();
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k1' } });
    await engine.publishMessage({ name: 'go', correlationKey: 'other', timeToLive: 0 });
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await engine.publishMessage({ name: 'go', correlationKey: 'k1', timeToLive: 0, variables: { got: 1 } });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect(variablesOf(engine, processInstanceKey).got).toBe(1);
    await engine.close();
  });

  it('a buffered message waits for a subscription within its TTL; the oldest is taken first', async () => {
    const engine = await setup();
    await engine.publishMessage({ name: 'go', correlationKey: 'k', timeToLive: 10_000, variables: { n: 1 } });
    await engine.publishMessage({ name: 'go', correlationKey: 'k', timeToLive: 10_000, variables: { n: 2 } });
    const first = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    expect(variablesOf(engine, first.processInstanceKey).n).toBe(1);
    await engine.pinClock(T0 + 10_000);
    const late = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    expect(stateOf(engine, late.processInstanceKey)).toBe('ACTIVE');
    await engine.close();
  });

  it('a message correlates once per process (BPMN process id), to every process that waits', async () => {
    const engine = await setup();
    await engine.deploy([bpmnResource('catcher2', `<bpmn:process id="catcher2" isExecutable="true">
      <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
      <bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition id="md" messageRef="Msg" /></bpmn:intermediateCatchEvent>
      <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" /><bpmn:endEvent id="end" /></bpmn:process>`, MESSAGE)]);
    const a = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    const b = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    const other = await engine.createProcessInstance({ bpmnProcessId: 'catcher2', variables: { key: 'k' } });
    await engine.publishMessage({ name: 'go', correlationKey: 'k', timeToLive: 10_000 });
    const states = [a, b].map((created) => stateOf(engine, created.processInstanceKey)).sort();
    expect(states).toEqual(['ACTIVE', 'COMPLETED']);
    expect(stateOf(engine, other.processInstanceKey)).toBe('COMPLETED');
    // still buffered, but spent for this process: a new subscription of it does not take it
    const c = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    expect(stateOf(engine, c.processInstanceKey)).toBe('ACTIVE');
    await engine.close();
  });

  it('a duplicate messageId is ALREADY_EXISTS while buffered, accepted after its TTL', async () => {
    const engine = await setup();
    await engine.publishMessage({ name: 'go', correlationKey: 'k', messageId: 'm', timeToLive: 1000 });
    await expect(engine.publishMessage({ name: 'go', correlationKey: 'k', messageId: 'm', timeToLive: 1000 })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await engine.pinClock(T0 + 1000);
    await expect(engine.publishMessage({ name: 'go', correlationKey: 'k', messageId: 'm', timeToLive: 1000 })).resolves.toBeDefined();
    await engine.close();
  });

  it('a correlation key that is no string or number raises EXTRACT_VALUE_ERROR; fixing the variable and resolving retries', async () => {
    const engine = await setup();
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'catcher' });
    const [incident] = [...engine.queries.incidents()];
    expect(incident).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'wait' });
    await engine.setVariables(processInstanceKey, { key: 42 }, false);
    await engine.resolveIncident(incident!.incidentKey);
    await engine.correlateMessage({ name: 'go', correlationKey: '42' });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('correlateMessage answers NOT_FOUND when nothing waits and never buffers', async () => {
    const engine = await setup();
    await expect(engine.correlateMessage({ name: 'go', correlationKey: 'k' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'catcher', variables: { key: 'k' } });
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await engine.close();
  });

  it('a message start event starts one instance per correlation key at a time, the buffered next after it ends', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('starter', `<bpmn:process id="starter" isExecutable="true">
      <bpmn:startEvent id="start"><bpmn:messageEventDefinition id="md" messageRef="Begin" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
      <bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="t" /></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" /><bpmn:endEvent id="end" /></bpmn:process>`, '<bpmn:message id="Begin" name="begin" />')]);
    await engine.publishMessage({ name: 'begin', correlationKey: 'k', timeToLive: 60_000, variables: { n: 1 } });
    await engine.publishMessage({ name: 'begin', correlationKey: 'k', timeToLive: 60_000, variables: { n: 2 } });
    expect([...engine.queries.processInstances()]).toHaveLength(1);
    const [job] = await engine.activateJobs({ type: 't', worker: 'w', timeout: 1000, maxJobsToActivate: 5, fetchVariable: [] });
    expect(JSON.parse(job!.variables).n).toBe(1);
    await engine.completeJob(job!.key, {});
    const instances = [...engine.queries.processInstances()];
    expect(instances.map((instance) => instance.state)).toEqual(['COMPLETED', 'ACTIVE']);
    await engine.close();
  });
});
