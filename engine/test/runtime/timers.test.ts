import { bpmnResource, pinnedEngine, stateOf, T0 } from '../engine/harness.ts';

const timerProcess = (id: string, definition: string) =>
  bpmnResource(id, `<bpmn:process id="${id}" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="td">${definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>`);

describe('timers', () => {
  it('a duration from an expression never fires early', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([timerProcess('dur', '<bpmn:timeDuration>=delay</bpmn:timeDuration>')]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'dur', variables: { delay: 'PT1M' } });
    await engine.pinClock(T0 + 59_999);
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await engine.pinClock(T0 + 60_000);
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('a date timer fires at its date; after a jump, due timers fire in due order', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([timerProcess('date', '<bpmn:timeDate>=at</bpmn:timeDate>')]);
    const late = await engine.createProcessInstance({ bpmnProcessId: 'date', variables: { at: new Date(T0 + 2000).toISOString() } });
    const early = await engine.createProcessInstance({ bpmnProcessId: 'date', variables: { at: new Date(T0 + 1000).toISOString() } });
    await engine.pinClock(T0 + 5000);
    const ends = [late, early].map((created) => engine.queries.processInstance(created.processInstanceKey)!);
    expect(ends.every((record) => record.state === 'COMPLETED')).toBe(true);
    const endOrder = [...engine.queries.elementInstances()].filter((record) => record.elementId === 'wait').sort((a, b) => Number(BigInt(a.elementInstanceKey) - BigInt(b.elementInstanceKey)));
    expect(endOrder.length).toBe(2);
    await engine.close();
  });

  it('a duration of zero or less fires at once', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([timerProcess('zero', '<bpmn:timeDuration>PT0S</bpmn:timeDuration>')]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'zero' });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('a bounded cycle start event fires n times; a new version replaces its timer', async () => {
    const engine = await pinnedEngine();
    const cycle = (id: string, task: string) => bpmnResource(id, `<bpmn:process id="cyc" isExecutable="true">
      <bpmn:startEvent id="start"><bpmn:timerEventDefinition id="td"><bpmn:timeCycle>R2/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${task}" /><bpmn:manualTask id="${task}" />
      <bpmn:sequenceFlow id="f2" sourceRef="${task}" targetRef="end" /><bpmn:endEvent id="end" /></bpmn:process>`);
    await engine.deploy([cycle('cyc', 'a')]);
    await engine.pinClock(T0 + 60_000);
    await engine.pinClock(T0 + 120_000);
    await engine.pinClock(T0 + 180_000);
    expect([...engine.queries.processInstances()]).toHaveLength(2);
    await engine.deploy([cycle('cyc', 'b')]);
    await engine.pinClock(T0 + 240_000);
    const versions = [...engine.queries.processInstances()].map((record) => record.version);
    expect(versions).toEqual([1, 1, 2]);
    await engine.close();
  });

  it('the scheduler fires due work on the running clock without a pin', async () => {
    const engine = await pinnedEngine();
    await engine.resetClock();
    await engine.deploy([timerProcess('soon', '<bpmn:timeDuration>PT0.05S</bpmn:timeDuration>')]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'soon' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });
});
