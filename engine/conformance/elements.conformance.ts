// The remaining BPMN elements: script tasks (FEEL), manual and undefined tasks, none throw events,
// terminate end events, signals.
import { docs } from './support/docs.ts';
import { expectEventually } from './support/eventually.ts';
import { chain, element, endEvent, intermediateThrow, model, parallelGateway, scriptTask, serviceTask, startEvent, subProcess, terminate } from './support/bpmn.ts';
import { elementReaches, instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, deployAndStart, GrpcStatus, refusal, start, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

describe(`Script tasks: a FEEL expression into a result variable (${docs.scriptTasks})`, () => {
  test('the expression sees the variables and its result lands in the result variable', async () => {
    const processId = unique('script');
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [
        startEvent(),
        scriptTask('total', '=sum(for line in lines return line.price * line.quantity)', 'total'),
        scriptTask('label', '="order " + orderId + ": " + string(total)', 'label'),
        endEvent(),
        ...chain('start', 'total', 'label', 'end'),
      ]),
      { orderId: 'o-9', lines: [{ price: 2.5, quantity: 2 }, { price: 10, quantity: 1 }] },
    );
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toMatchObject({ total: 15, label: 'order o-9: 15' }));
  });
});

describe(`Manual and undefined tasks, none throw events: pass through (${docs.manualTasks})`, () => {
  test('a manual task, a task without type and a none intermediate throw event complete at once', async () => {
    const processId = unique('pass-through');
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [startEvent(), element('bpmn:manualTask', 'manual'), element('bpmn:task', 'plain'), intermediateThrow('milestone'), endEvent(), ...chain('start', 'manual', 'plain', 'milestone', 'end')]),
    );
    await instanceReaches(processInstanceKey, 'COMPLETED');
    for (const id of ['manual', 'plain', 'milestone']) await elementReaches(processInstanceKey, id, 'COMPLETED');
  });
});

describe(`Terminate end events (${docs.terminateEvents})`, () => {
  test('a terminate end event at process level ends the instance and terminates the other branches', async () => {
    const processId = unique('terminate');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [startEvent(), parallelGateway('fork'), serviceTask('waiting', type), endEvent('normalEnd'), endEvent('stop', terminate()), ...chain('start', 'fork'), ...chain('fork', 'waiting', 'normalEnd'), ...chain('fork', 'stop')]),
    );
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'waiting', 'TERMINATED');
  });

  test('a terminate end event inside a subprocess ends only the subprocess', async () => {
    const processId = unique('terminate-sub');
    const [type, afterType] = [unique('type'), unique('after')];
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [
        startEvent(),
        subProcess('sub', [startEvent('subStart'), parallelGateway('fork'), serviceTask('waiting', type), endEvent('subEnd'), endEvent('stop', terminate()), ...chain('subStart', 'fork'), ...chain('fork', 'waiting', 'subEnd'), ...chain('fork', 'stop')]),
        serviceTask('after', afterType),
        endEvent(),
        ...chain('start', 'sub', 'after', 'end'),
      ]),
    );
    await complete(await takeJob(afterType));
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'waiting', 'TERMINATED');
    await elementReaches(processInstanceKey, 'sub', 'COMPLETED');
  });
});

describe(`Signals: BroadcastSignal (${docs.grpcApi})`, () => {
  // Signal catch events are outside the elements issue 11 asks for (the engine refuses them at
  // deployment); the RPC itself is in the gateway's list.
  test('BroadcastSignal answers a signal key as an int64 string', async () => {
    const broadcast = await grpc().broadcastSignal({ signalName: unique('Go'), variables: { signalled: true } });
    expect(String(broadcast.key)).toMatch(/^\d+$/);
  });
});

describe(`Process instances: create, create with result, cancel (${docs.processes})`, () => {
  test('CreateProcessInstanceWithResult answers once the instance completes, with its variables (or only the fetched ones)', async () => {
    const processId = unique('with-result');
    await deploy(processId, model(processId, [startEvent(), scriptTask('double', '=n * 2', 'doubled'), endEvent(), ...chain('start', 'double', 'end')]));
    const result = await grpc().createProcessInstanceWithResult({ bpmnProcessId: processId, variables: { n: 21 } });
    expect(result.bpmnProcessId).toBe(processId);
    expect(result.variables).toMatchObject({ n: 21, doubled: 42 });
    const fetched = await grpc().createProcessInstanceWithResult({ bpmnProcessId: processId, variables: { n: 1, other: 'x' }, fetchVariables: ['doubled'] });
    expect(fetched.variables).toEqual({ doubled: 2 });
  });

  test('CreateProcessInstanceWithResult waits for a job worker', async () => {
    const processId = unique('with-result-job');
    const type = unique('type');
    await deploy(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]));
    const pending = grpc().createProcessInstanceWithResult({ bpmnProcessId: processId, variables: {}, requestTimeout: 20_000 });
    await complete(await takeJob(type), { answer: 'from worker' });
    expect((await pending).variables).toMatchObject({ answer: 'from worker' });
  });

  test('an unknown process id is NOT_FOUND', async () => {
    expect((await refusal(start(unique('never-deployed')))).code).toBe(GrpcStatus.NOT_FOUND);
  });

  test('CancelProcessInstance terminates the instance and its jobs; cancelling again is NOT_FOUND', async () => {
    const processId = unique('cancel');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]));
    const job = await takeJob(type);
    await grpc().cancelProcessInstance(processInstanceKey);
    await instanceReaches(processInstanceKey, 'TERMINATED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
    expect((await refusal(complete(job))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await refusal(grpc().cancelProcessInstance(processInstanceKey))).code).toBe(GrpcStatus.NOT_FOUND);
  });

  test('Topology answers one broker with its partitions', async () => {
    const topology = await grpc().topology();
    expect(topology.brokers.length).toBeGreaterThanOrEqual(1);
    expect(topology.partitionsCount).toBeGreaterThanOrEqual(1);
    expect(topology.gatewayVersion).toBeTruthy();
  });
});
