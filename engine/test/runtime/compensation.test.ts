import { activateOne, bpmnResource, pinnedEngine, serviceTask, stateOf, work } from '../engine/harness.ts';

const flow = (id: string, from: string, to: string) => `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
const compensable = (id: string, type: string, handlerType: string, loop = '') => `
  <bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements>${loop}</bpmn:serviceTask>
  <bpmn:boundaryEvent id="${id}_comp" attachedToRef="${id}"><bpmn:compensateEventDefinition id="${id}_cd" /></bpmn:boundaryEvent>
  <bpmn:serviceTask id="${id}_undo" isForCompensation="true"><bpmn:extensionElements><zeebe:taskDefinition type="${handlerType}" /></bpmn:extensionElements></bpmn:serviceTask>
  <bpmn:association id="${id}_assoc" associationDirection="One" sourceRef="${id}_comp" targetRef="${id}_undo" />`;

describe('compensation', () => {
  it('a throw runs the handlers of completed activities only, waits for them, then goes on', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('comp', `<bpmn:process id="comp" isExecutable="true"><bpmn:startEvent id="start" />${flow('f0', 'start', 'fork')}
      <bpmn:parallelGateway id="fork" />${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'b')}
      ${compensable('a', 'a', 'undo-a')}${compensable('b', 'b', 'undo-b')}
      ${flow('f3', 'a', 'throw')}<bpmn:intermediateThrowEvent id="throw"><bpmn:compensateEventDefinition id="tcd" /></bpmn:intermediateThrowEvent>
      ${flow('f4', 'throw', 'after')}${serviceTask('after', 'after')}</bpmn:process>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'comp' });
    await work(engine, 'a');
    await work(engine, 'undo-a');
    await expect(activateOne(engine, 'undo-b')).rejects.toThrow();
    await work(engine, 'after');
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await engine.close();
  });

  it('activityRef compensates one activity; a compensation end event waits for it', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('ref', `<bpmn:process id="ref" isExecutable="true"><bpmn:startEvent id="start" />${flow('f0', 'start', 'a')}
      ${compensable('a', 'a', 'undo-a')}${flow('f1', 'a', 'b')}${compensable('b', 'b', 'undo-b')}
      ${flow('f2', 'b', 'end')}<bpmn:endEvent id="end"><bpmn:compensateEventDefinition id="ecd" activityRef="a" /></bpmn:endEvent></bpmn:process>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'ref' });
    await work(engine, 'a');
    await work(engine, 'b');
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await expect(activateOne(engine, 'undo-b')).rejects.toThrow();
    await work(engine, 'undo-a');
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('handlers inside a completed embedded subprocess run on a throw outside it', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('nested', `<bpmn:process id="nested" isExecutable="true"><bpmn:startEvent id="start" />${flow('f0', 'start', 'sub')}
      <bpmn:subProcess id="sub"><bpmn:startEvent id="s2" />${flow('g0', 's2', 'a')}${compensable('a', 'a', 'undo-a')}${flow('g1', 'a', 'e2')}<bpmn:endEvent id="e2" /></bpmn:subProcess>
      ${flow('f1', 'sub', 'throw')}<bpmn:intermediateThrowEvent id="throw"><bpmn:compensateEventDefinition id="tcd" /></bpmn:intermediateThrowEvent>
      ${flow('f2', 'throw', 'end')}<bpmn:endEvent id="end" /></bpmn:process>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'nested' });
    await work(engine, 'a');
    await work(engine, 'undo-a');
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it("a multi-instance activity's handler runs once, and only when every instance completed", async () => {
    const loop = '<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=[1,2]" inputElement="n" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>';
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('mic', `<bpmn:process id="mic" isExecutable="true"><bpmn:startEvent id="start" />${flow('f0', 'start', 'a')}
      ${compensable('a', 'a', 'undo-a', loop)}
      <bpmn:boundaryEvent id="stop" attachedToRef="a"><bpmn:errorEventDefinition id="ed" /></bpmn:boundaryEvent>
      ${flow('f1', 'a', 'throw')}${flow('f3', 'stop', 'throw')}<bpmn:intermediateThrowEvent id="throw"><bpmn:compensateEventDefinition id="tcd" /></bpmn:intermediateThrowEvent>
      ${flow('f2', 'throw', 'end')}<bpmn:endEvent id="end" /></bpmn:process>`)]);
    const done = await engine.createProcessInstance({ bpmnProcessId: 'mic' });
    await work(engine, 'a');
    await work(engine, 'a');
    const undo = await engine.activateJobs({ type: 'undo-a', worker: 'w', timeout: 1000, maxJobsToActivate: 10, fetchVariable: [] });
    expect(undo).toHaveLength(1);
    await engine.completeJob(undo[0]!.key, {});
    expect(stateOf(engine, done.processInstanceKey)).toBe('COMPLETED');

    const cut = await engine.createProcessInstance({ bpmnProcessId: 'mic' });
    await work(engine, 'a');
    const second = await activateOne(engine, 'a');
    await engine.throwError({ jobKey: second.key, errorCode: 'X', errorMessage: '' });
    expect(stateOf(engine, cut.processInstanceKey)).toBe('COMPLETED');
    await expect(activateOne(engine, 'undo-a')).rejects.toThrow();
    await engine.close();
  });
});
