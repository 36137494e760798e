// Boundary events and event subprocesses: interrupting ones end the activity (or scope) they are
// attached to; non-interrupting ones run beside it.
import { docs } from './support/docs.ts';
import { boundaryEvent, chain, endEvent, eventStart, flow, message, messageRef, model, serviceTask, startEvent, subProcess } from './support/bpmn.ts';
import { eventually, expectEventually } from './support/eventually.ts';
import { elementInstances, elementReaches, instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients } from './support/target.ts';
import { complete, deploy, GrpcStatus, publish, refusal, start, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

/** start → task → end, with a message boundary on the task → onMessage → boundaryEnd */
function taskWithMessageBoundary(processId: string, type: string, name: string, interrupting: boolean, afterType: string): string {
  return model(
    processId,
    [
      startEvent(),
      serviceTask('task', type),
      endEvent(),
      boundaryEvent('onMessage', 'task', messageRef('msg'), interrupting),
      serviceTask('afterMessage', afterType),
      endEvent('boundaryEnd'),
      ...chain('start', 'task', 'end'),
      ...chain('onMessage', 'afterMessage', 'boundaryEnd'),
    ],
    [message('msg', name, '=key')],
  );
}

describe(`Boundary events: interrupting vs non-interrupting (${docs.messageEvents})`, () => {
  test('an interrupting boundary event terminates the task (its job is gone) and takes the boundary path', async () => {
    const processId = unique('boundary-int');
    const [type, afterType, name] = [unique('type'), unique('after'), unique('Cancel')];
    await deploy(processId, taskWithMessageBoundary(processId, type, name, true, afterType));
    const processInstanceKey = await start(processId, { key: 'k-1' });
    const job = await takeJob(type);
    await publish(name, 'k-1');
    const after = await takeJob(afterType);
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
    expect((await refusal(complete(job))).code).toBe(GrpcStatus.NOT_FOUND);
    await complete(after);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    expect((await elementInstances({ processInstanceKey, elementId: 'end' })).items).toHaveLength(0);
  });

  test('a non-interrupting boundary event runs its path beside the task, which still completes; it may fire again', async () => {
    const processId = unique('boundary-nonint');
    const [type, afterType, name] = [unique('type'), unique('after'), unique('Remind')];
    await deploy(processId, taskWithMessageBoundary(processId, type, name, false, afterType));
    const processInstanceKey = await start(processId, { key: 'k-2' });
    const job = await takeJob(type);
    await publish(name, 'k-2');
    await complete(await takeJob(afterType));
    await publish(name, 'k-2');
    await complete(await takeJob(afterType));
    await eventually(() => elementInstances({ processInstanceKey, elementId: 'boundaryEnd', state: 'COMPLETED' }), (found) => found.items.length === 2, { what: 'two boundary paths' });
    await complete(job, { done: true });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'end', 'COMPLETED');
  });
});

/** start → task → end, with a message event subprocess (interrupting or not) on the process */
function processWithEventSubprocess(processId: string, type: string, handlerType: string, name: string, interrupting: boolean): string {
  return model(
    processId,
    [
      startEvent(),
      serviceTask('task', type),
      endEvent(),
      ...chain('start', 'task', 'end'),
      subProcess('onMessage', [eventStart('messageStart', messageRef('msg'), interrupting), serviceTask('handle', handlerType), endEvent('handled'), ...chain('messageStart', 'handle', 'handled')], { triggeredByEvent: true }),
    ],
    [message('msg', name, '=key')],
  );
}

describe(`Event subprocesses: interrupting vs non-interrupting (${docs.eventSubprocesses})`, () => {
  test('an interrupting event subprocess terminates the scope\'s other elements; the instance ends with the subprocess', async () => {
    const processId = unique('evsub-int');
    const [type, handlerType, name] = [unique('type'), unique('handler'), unique('Cancel')];
    await deploy(processId, processWithEventSubprocess(processId, type, handlerType, name, true));
    const processInstanceKey = await start(processId, { key: 'e-1', seen: 'yes' });
    const job = await takeJob(type);
    await publish(name, 'e-1', { variables: { reason: 'customer' } });
    const handler = await takeJob(handlerType);
    expect(handler.variables).toMatchObject({ seen: 'yes', reason: 'customer' }); // sees the scope's variables
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
    expect((await refusal(complete(job))).code).toBe(GrpcStatus.NOT_FOUND);
    await complete(handler);
    await instanceReaches(processInstanceKey, 'COMPLETED');
  });

  test('a non-interrupting event subprocess runs beside the scope, may run several times, and the scope still completes normally', async () => {
    const processId = unique('evsub-nonint');
    const [type, handlerType, name] = [unique('type'), unique('handler'), unique('Note')];
    await deploy(processId, processWithEventSubprocess(processId, type, handlerType, name, false));
    const processInstanceKey = await start(processId, { key: 'e-2' });
    const job = await takeJob(type);
    await publish(name, 'e-2', { variables: { note: 1 } });
    await complete(await takeJob(handlerType));
    await publish(name, 'e-2', { variables: { note: 2 } });
    await complete(await takeJob(handlerType));
    await eventually(() => elementInstances({ processInstanceKey, elementId: 'handled', state: 'COMPLETED' }), (found) => found.items.length === 2, { what: 'two handled runs' });
    await complete(job);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'end', 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables['note']).toBe(2));
  });

  test('an event subprocess inside an embedded subprocess interrupts only that subprocess', async () => {
    const processId = unique('evsub-nested');
    const [type, handlerType, afterType, name] = [unique('type'), unique('handler'), unique('after'), unique('Stop')];
    await deploy(
      processId,
      model(
        processId,
        [
          startEvent(),
          subProcess('sub', [
            startEvent('subStart'),
            serviceTask('task', type),
            endEvent('subEnd'),
            ...chain('subStart', 'task', 'subEnd'),
            subProcess('inner', [eventStart('innerStart', messageRef('msg'), true), serviceTask('handle', handlerType), endEvent('innerEnd'), ...chain('innerStart', 'handle', 'innerEnd')], { triggeredByEvent: true }),
          ]),
          serviceTask('after', afterType),
          endEvent(),
          ...chain('start', 'sub', 'after', 'end'),
        ],
        [message('msg', name, '=key')],
      ),
    );
    const processInstanceKey = await start(processId, { key: 'e-3' });
    await takeJob(type);
    await publish(name, 'e-3');
    await complete(await takeJob(handlerType));
    await complete(await takeJob(afterType)); // the process goes on after the subprocess
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'sub', 'COMPLETED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
  });
});

describe(`Boundary events: on a subprocess (${docs.embeddedSubprocesses})`, () => {
  test('an interrupting boundary on an embedded subprocess terminates everything inside it', async () => {
    const processId = unique('boundary-sub');
    const [typeA, typeB, name] = [unique('a'), unique('b'), unique('Abort')];
    await deploy(
      processId,
      model(
        processId,
        [
          startEvent(),
          subProcess('sub', [startEvent('subStart'), serviceTask('taskA', typeA), serviceTask('taskB', typeB), endEvent('subEnd'), ...chain('subStart', 'taskA', 'taskB', 'subEnd')]),
          endEvent(),
          boundaryEvent('abort', 'sub', messageRef('msg')),
          endEvent('aborted'),
          ...chain('start', 'sub', 'end'),
          flow('abort', 'aborted'),
        ],
        [message('msg', name, '=key')],
      ),
    );
    const processInstanceKey = await start(processId, { key: 'b-1' });
    await takeJob(typeA);
    await publish(name, 'b-1');
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'aborted', 'COMPLETED');
    await elementReaches(processInstanceKey, 'taskA', 'TERMINATED');
    await elementReaches(processInstanceKey, 'sub', 'TERMINATED');
  });
});
