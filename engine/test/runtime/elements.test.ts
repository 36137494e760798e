import { activateOne, bpmnResource, pinnedEngine, serviceTask, stateOf, T0, variablesOf, work } from '../engine/harness.ts';

const proc = (id: string, body: string, extra = '') => bpmnResource(id, `<bpmn:process id="${id}" isExecutable="true">${body}</bpmn:process>`, extra);
const flow = (id: string, from: string, to: string, condition?: string) =>
  condition
    ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`
    : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;

describe('gateways', () => {
  const exclusive = proc('xor', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'gw')}
    <bpmn:exclusiveGateway id="gw" />
    ${flow('fa', 'gw', 'a', '=x &gt; 1')}${flow('fb', 'gw', 'b', '=x &gt; 0')}
    ${serviceTask('a', 'a')}${serviceTask('b', 'b')}`);

  it('exclusive: the first true condition in order wins; none true and no default → CONDITION_ERROR, resolved after a fix', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([exclusive]);
    await engine.createProcessInstance({ bpmnProcessId: 'xor', variables: { x: 5 } });
    await work(engine, 'a');
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'xor', variables: { x: 0 } });
    const incident = [...engine.queries.incidents()].find((record) => record.processInstanceKey === processInstanceKey)!;
    expect(incident).toMatchObject({ errorType: 'CONDITION_ERROR', elementId: 'gw' });
    await engine.setVariables(processInstanceKey, { x: 1 }, false);
    await engine.resolveIncident(incident.incidentKey);
    await work(engine, 'b');
    await engine.close();
  });

  it('parallel: forks and joins', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('and', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'fork')}<bpmn:parallelGateway id="fork" />
      ${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'b')}${serviceTask('a', 'a')}${serviceTask('b', 'b')}
      ${flow('f3', 'a', 'join')}${flow('f4', 'b', 'join')}<bpmn:parallelGateway id="join" />${flow('f5', 'join', 'c')}${serviceTask('c', 'c')}`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'and' });
    await work(engine, 'a');
    await expect(activateOne(engine, 'c')).rejects.toThrow();
    await work(engine, 'b');
    await work(engine, 'c');
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect([...engine.queries.elementInstances(processInstanceKey)].filter((record) => record.elementId === 'join')).toHaveLength(1);
    await engine.close();
  });

  it('event-based: the first event wins and the other is closed', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('evt', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'gw')}<bpmn:eventBasedGateway id="gw" />
      ${flow('f1', 'gw', 'msg')}${flow('f2', 'gw', 'timer')}
      <bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition id="md" messageRef="M" /></bpmn:intermediateCatchEvent>
      <bpmn:intermediateCatchEvent id="timer"><bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
      ${flow('f3', 'msg', 'a')}${flow('f4', 'timer', 'b')}${serviceTask('a', 'a')}${serviceTask('b', 'b')}`,
      '<bpmn:message id="M" name="m"><bpmn:extensionElements><zeebe:subscription correlationKey="=k" /></bpmn:extensionElements></bpmn:message>')]);
    await engine.createProcessInstance({ bpmnProcessId: 'evt', variables: { k: '1' } });
    await engine.publishMessage({ name: 'm', correlationKey: '1', timeToLive: 0, variables: { fromMessage: true } });
    const job = await activateOne(engine, 'a');
    expect(JSON.parse(job.variables).fromMessage).toBe(true);
    await engine.pinClock(T0 + 7_200_000);
    await expect(activateOne(engine, 'b')).rejects.toThrow();
    await engine.close();
  });
});

describe('tasks and events', () => {
  it('script task with result variable; manual task passes through', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('script', `<bpmn:startEvent id="start" />${flow('f0', 'start', 's')}
      <bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="=a * 2" resultVariable="doubled" /></bpmn:extensionElements></bpmn:scriptTask>
      ${flow('f1', 's', 'm')}<bpmn:manualTask id="m" />${flow('f2', 'm', 'end')}<bpmn:endEvent id="end" />`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'script', variables: { a: 21 } });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect(variablesOf(engine, processInstanceKey).doubled).toBe(42);
    const types = [...engine.queries.elementInstances(processInstanceKey)].map((record) => record.type);
    expect(types).toEqual(['START_EVENT', 'SCRIPT_TASK', 'MANUAL_TASK', 'END_EVENT']);
    await engine.close();
  });

  it('input mappings make locals (missing source → null); outputs propagate only their targets', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('io', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}
      ${serviceTask('t', 't', '<zeebe:ioMapping><zeebe:input source="=a" target="local" /><zeebe:input source="=missing" target="nothing" /><zeebe:output source="=result" target="out" /></zeebe:ioMapping>')}
      ${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'io', variables: { a: 1 } });
    const job = await activateOne(engine, 't');
    expect(JSON.parse(job.variables)).toEqual({ a: 1, local: 1, nothing: null });
    await engine.completeJob(job.key, { result: 'r', extra: 'x' });
    expect(variablesOf(engine, processInstanceKey)).toEqual({ a: 1, out: 'r' });
    await engine.close();
  });

  it('a failing output mapping raises IO_MAPPING_ERROR', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('iofail', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}
      ${serviceTask('t', 't', '<zeebe:ioMapping><zeebe:output source="=1" target="n.deep" /></zeebe:ioMapping>')}
      ${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'iofail', variables: { n: 5 } });
    await work(engine, 't');
    const [incident] = [...engine.queries.incidents()];
    expect(incident).toMatchObject({ errorType: 'IO_MAPPING_ERROR', elementId: 't' });
    await engine.setVariables(processInstanceKey, { n: {} }, false);
    await engine.resolveIncident(incident!.incidentKey);
    expect(variablesOf(engine, processInstanceKey).n).toEqual({ deep: 1 });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('job completion variables go to the nearest scope holding them', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('nearest', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'sub')}
      <bpmn:subProcess id="sub"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=0" target="inner" /></zeebe:ioMapping></bpmn:extensionElements>
        <bpmn:startEvent id="s2" />${flow('g0', 's2', 't')}${serviceTask('t', 't')}${flow('g1', 't', 'e2')}<bpmn:endEvent id="e2" />
      </bpmn:subProcess>${flow('f1', 'sub', 'end')}<bpmn:endEvent id="end" />`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'nearest' });
    const job = await activateOne(engine, 't');
    await engine.completeJob(job.key, { inner: 1, outer: 2 });
    expect(variablesOf(engine, processInstanceKey)).toEqual({ outer: 2 });
    await engine.close();
  });

  it('terminate end event ends the whole process', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('term', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'fork')}<bpmn:parallelGateway id="fork" />
      ${flow('f1', 'fork', 'a')}${flow('f2', 'fork', 'kill')}${serviceTask('a', 'a')}
      <bpmn:endEvent id="kill"><bpmn:terminateEventDefinition id="tdef" /></bpmn:endEvent>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'term' });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect([...engine.queries.jobs()][0]?.state).toBe('CANCELED');
    await engine.close();
  });

  it('error end event caught by a catch-all boundary of the enclosing subprocess; specific code wins over catch-all', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('errend', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'sub')}
      <bpmn:subProcess id="sub"><bpmn:startEvent id="s2" />${flow('g0', 's2', 'boom')}
        <bpmn:endEvent id="boom"><bpmn:errorEventDefinition id="ed" errorRef="E" /></bpmn:endEvent></bpmn:subProcess>
      <bpmn:boundaryEvent id="any" attachedToRef="sub"><bpmn:errorEventDefinition id="ed1" /></bpmn:boundaryEvent>
      <bpmn:boundaryEvent id="specific" attachedToRef="sub"><bpmn:errorEventDefinition id="ed2" errorRef="E" /></bpmn:boundaryEvent>
      ${flow('f1', 'any', 'a')}${flow('f2', 'specific', 'b')}${serviceTask('a', 'a')}${serviceTask('b', 'b')}`,
      '<bpmn:error id="E" errorCode="CODE" />')]);
    await engine.createProcessInstance({ bpmnProcessId: 'errend' });
    await work(engine, 'b');
    await engine.close();
  });

  it('non-interrupting message boundary runs alongside; interrupting timer boundary cancels the task', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('bound', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}${serviceTask('t', 't')}
      <bpmn:boundaryEvent id="note" attachedToRef="t" cancelActivity="false"><bpmn:messageEventDefinition id="md" messageRef="M" /></bpmn:boundaryEvent>
      <bpmn:boundaryEvent id="late" attachedToRef="t"><bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT10M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
      ${flow('f1', 'note', 'n')}${serviceTask('n', 'n')}${flow('f2', 'late', 'l')}${serviceTask('l', 'l')}`,
      '<bpmn:message id="M" name="note"><bpmn:extensionElements><zeebe:subscription correlationKey="=k" /></bpmn:extensionElements></bpmn:message>')]);
    await engine.createProcessInstance({ bpmnProcessId: 'bound', variables: { k: 'a' } });
    await engine.publishMessage({ name: 'note', correlationKey: 'a', timeToLive: 0 });
    await work(engine, 'n');
    await engine.pinClock(T0 + 600_000);
    await expect(activateOne(engine, 't')).rejects.toThrow();
    await work(engine, 'l');
    await engine.close();
  });

  it('non-interrupting timer event subprocess fires alongside the main flow', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('espt', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}${serviceTask('t', 't')}${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />
      <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es" isInterrupting="false"><bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
        ${flow('g0', 'es', 'r')}${serviceTask('r', 'remind')}${flow('g1', 'r', 'ee')}<bpmn:endEvent id="ee" /></bpmn:subProcess>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'espt' });
    await engine.pinClock(T0 + 60_000);
    await work(engine, 'remind');
    await work(engine, 't');
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('cancel terminates everything: jobs canceled, user tasks canceled, subscriptions closed', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('cancel', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'fork')}<bpmn:parallelGateway id="fork" />
      ${flow('f1', 'fork', 't')}${flow('f2', 'fork', 'u')}${serviceTask('t', 't')}
      <bpmn:userTask id="u"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'cancel' });
    await engine.cancelProcessInstance(processInstanceKey);
    expect(stateOf(engine, processInstanceKey)).toBe('TERMINATED');
    expect([...engine.queries.jobs()].map((job) => job.state)).toEqual(['CANCELED']);
    expect([...engine.queries.userTasks()].map((task) => task.state)).toEqual(['CANCELED']);
    expect([...engine.queries.elementInstances(processInstanceKey)].filter((record) => record.state === 'ACTIVE')).toHaveLength(0);
    await expect(engine.cancelProcessInstance(processInstanceKey)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });

  it('a user task without its form raises FORM_NOT_FOUND; deploying the form and resolving creates the task', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('ut', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'u')}
      <bpmn:userTask id="u"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="f" /><zeebe:assignmentDefinition assignee="=who" candidateGroups="ops, sales" /></bpmn:extensionElements></bpmn:userTask>`)]);
    await engine.createProcessInstance({ bpmnProcessId: 'ut', variables: { who: 'ann' } });
    const [incident] = [...engine.queries.incidents()];
    expect(incident?.errorType).toBe('FORM_NOT_FOUND');
    await engine.deploy([{ name: 'f.form', content: Buffer.from('{"id":"f","components":[]}') }]);
    await engine.resolveIncident(incident!.incidentKey);
    const [task] = [...engine.queries.userTasks()];
    expect(task).toMatchObject({ assignee: 'ann', candidateGroups: ['ops', 'sales'], formId: 'f', state: 'CREATED' });
    await expect(engine.assignUserTask(task!.userTaskKey, 'bob', false)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await engine.unassignUserTask(task!.userTaskKey);
    await engine.assignUserTask(task!.userTaskKey, 'bob', false);
    await engine.close();
  });
});

describe('multi-instance', () => {
  const mi = (id: string, loop: string) => proc(id, `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}
    <bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="${id}" /></bpmn:extensionElements>${loop}</bpmn:serviceTask>
    ${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />`);
  const loop = (sequential: boolean, extra = '') => `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}">${extra}<bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=items" inputElement="item" outputCollection="results" outputElement="=result" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>`;

  it('parallel: every item at once, outputs in item order, loopCounter from 1', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([mi('par', loop(false))]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'par', variables: { items: ['a', 'b'] } });
    const jobs = await engine.activateJobs({ type: 'par', worker: 'w', timeout: 1000, maxJobsToActivate: 10, fetchVariable: [] });
    expect(jobs.map((job) => JSON.parse(job.variables))).toEqual([
      { items: ['a', 'b'], item: 'a', loopCounter: 1, result: null, results: [null, null] },
      { items: ['a', 'b'], item: 'b', loopCounter: 2, result: null, results: [null, null] },
    ]);
    await engine.completeJob(jobs[1]!.key, { result: 'B' });
    await engine.completeJob(jobs[0]!.key, { result: 'A' });
    expect(variablesOf(engine, processInstanceKey).results).toEqual(['A', 'B']);
    expect([...engine.queries.elementInstances(processInstanceKey)].some((record) => record.type === 'MULTI_INSTANCE_BODY')).toBe(true);
    await engine.close();
  });

  it('sequential: one after the other', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([mi('seq', loop(true))]);
    await engine.createProcessInstance({ bpmnProcessId: 'seq', variables: { items: [1, 2] } });
    const first = await engine.activateJobs({ type: 'seq', worker: 'w', timeout: 1000, maxJobsToActivate: 10, fetchVariable: ['item'] });
    expect(first.map((job) => JSON.parse(job.variables))).toEqual([{ item: 1 }]);
    await engine.completeJob(first[0]!.key, {});
    expect(JSON.parse((await activateOne(engine, 'seq', ['item'])).variables)).toEqual({ item: 2 });
    await engine.close();
  });

  it('an empty collection completes at once with []', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([mi('empty', loop(false))]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'empty', variables: { items: [] } });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect(variablesOf(engine, processInstanceKey).results).toEqual([]);
    await engine.close();
  });

  it('completionCondition ends early with numberOf* variables', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([mi('cond', loop(false, '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=numberOfCompletedInstances &gt;= 1</bpmn:completionCondition>'))]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'cond', variables: { items: [1, 2, 3] } });
    await work(engine, 'cond', { result: 'x' });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('a collection that is no list raises EXTRACT_VALUE_ERROR', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([mi('bad', loop(false))]);
    await engine.createProcessInstance({ bpmnProcessId: 'bad', variables: { items: 'nope' } });
    expect([...engine.queries.incidents()][0]?.errorType).toBe('EXTRACT_VALUE_ERROR');
    await engine.close();
  });
});

describe('call activity', () => {
  const parent = proc('parent', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'call')}
    <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" propagateAllChildVariables="true" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:boundaryEvent id="caught" attachedToRef="call"><bpmn:errorEventDefinition id="ed" /></bpmn:boundaryEvent>
    ${flow('f1', 'call', 'end')}<bpmn:endEvent id="end" />${flow('f2', 'caught', 'handled')}${serviceTask('handled', 'handled')}`);
  const child = proc('child', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}${serviceTask('t', 'child-work')}${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />`);

  it('runs the child with the parent variables and propagates its variables back', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([parent, child]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'parent', variables: { input: 1 } });
    const job = await activateOne(engine, 'child-work');
    expect(JSON.parse(job.variables)).toEqual({ input: 1 });
    const childRecord = engine.queries.processInstance(job.processInstanceKey)!;
    expect(childRecord.parentProcessInstanceKey).toBe(processInstanceKey);
    await engine.completeJob(job.key, { output: 2 });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect(variablesOf(engine, processInstanceKey)).toMatchObject({ input: 1, output: 2 });
    await engine.close();
  });

  it('an error in the child is caught in the parent', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([parent, child]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'parent' });
    const job = await activateOne(engine, 'child-work');
    await engine.throwError({ jobKey: job.key, errorCode: 'ANY', errorMessage: '' });
    expect(stateOf(engine, job.processInstanceKey)).toBe('TERMINATED');
    await work(engine, 'handled');
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    await engine.close();
  });

  it('a missing called process raises CALLED_ELEMENT_ERROR', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([parent]);
    await engine.createProcessInstance({ bpmnProcessId: 'parent' });
    expect([...engine.queries.incidents()][0]?.errorType).toBe('CALLED_ELEMENT_ERROR');
    await engine.close();
  });
});

describe('event subprocesses and errors', () => {
  it('an error inside an interrupting event subprocess is not swallowed: it is caught further out or raises an incident', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([proc('esperr', `<bpmn:startEvent id="start" />${flow('f0', 'start', 't')}${serviceTask('t', 't')}${flow('f1', 't', 'end')}<bpmn:endEvent id="end" />
      <bpmn:subProcess id="esp" triggeredByEvent="true"><bpmn:startEvent id="es"><bpmn:errorEventDefinition id="ed" /></bpmn:startEvent>
        ${flow('g0', 'es', 'h')}${serviceTask('h', 'handle')}${flow('g1', 'h', 'ee')}<bpmn:endEvent id="ee" /></bpmn:subProcess>`)]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'esperr' });
    const job = await activateOne(engine, 't');
    await engine.throwError({ jobKey: job.key, errorCode: 'FIRST', errorMessage: '' });
    const handler = await activateOne(engine, 'handle');
    await engine.throwError({ jobKey: handler.key, errorCode: 'SECOND', errorMessage: '' });
    expect([...engine.queries.incidents()].map((incident) => incident.errorType)).toEqual(['UNHANDLED_ERROR_EVENT']);
    expect(stateOf(engine, processInstanceKey)).toBe('ACTIVE');
    await engine.close();
  });
});
