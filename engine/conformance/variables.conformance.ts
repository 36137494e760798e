// Variables: scopes, propagation to the nearest scope that holds a variable, input/output
// mappings, local variables, SetVariables.
import { docs } from './support/docs.ts';
import { expectEventually } from './support/eventually.ts';
import { chain, endEvent, model, serviceTask, startEvent, subProcess } from './support/bpmn.ts';
import { elementReaches, instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deployAndStart, GrpcStatus, parse, refusal, setVariables, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

describe(`Variables: propagation to the nearest scope (${docs.variables})`, () => {
  test('job variables update the nearest scope that holds them; new ones land in the process scope', async () => {
    const processId = unique('vars-propagation');
    const [type, holdType] = [unique('type'), unique('hold')];
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [
        startEvent(),
        subProcess('sub', [startEvent('subStart'), serviceTask('task', type), serviceTask('hold', holdType), endEvent('subEnd'), ...chain('subStart', 'task', 'hold', 'subEnd')], { inputs: [{ source: '=0', target: 'counter' }] }),
        endEvent(),
        ...chain('start', 'sub', 'end'),
      ]),
      { counter: 100, status: 'new' },
    );
    const job = await takeJob(type);
    expect(parse(job)).toMatchObject({ counter: 0, status: 'new' }); // the subprocess's local shadows the process's
    const sub = await elementReaches(processInstanceKey, 'sub', 'ACTIVE');
    await complete(job, { counter: 5, status: 'done', fresh: true });
    const hold = await takeJob(holdType); // the subprocess is still active here
    await expectEventually(() => scopeVariables(processInstanceKey, String(sub.elementInstanceKey)), (variables) => expect(variables).toEqual({ counter: 5 }));
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toEqual({ counter: 100, status: 'done', fresh: true })); // counter stayed in the subprocess
    await complete(hold);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toEqual({ counter: 100, status: 'done', fresh: true })); // subprocess locals end with it
  });
});

describe(`Variables: input and output mappings (${docs.variableMappings})`, () => {
  test('input mappings create locals the job sees; output mappings decide what reaches the process', async () => {
    const processId = unique('vars-mappings');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [
        startEvent(),
        serviceTask('task', type, { inputs: [{ source: '=order.id', target: 'orderId' }, { source: '=missing', target: 'absent' }], outputs: [{ source: '=result * 2', target: 'doubled' }, { source: '=result', target: 'summary.result' }] }),
        endEvent(),
        ...chain('start', 'task', 'end'),
      ]),
      { order: { id: 'o-7', lines: 2 } },
    );
    const job = await takeJob(type);
    expect(parse(job)).toMatchObject({ orderId: 'o-7', absent: null, order: { id: 'o-7', lines: 2 } });
    await complete(job, { result: 21, scratch: 'x' });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toEqual({ order: { id: 'o-7', lines: 2 }, doubled: 42, summary: { result: 21 } }));
  });
});

describe(`Variables: local variables and SetVariables (${docs.variables})`, () => {
  test('SetVariables with local=true stays on the element; local=false propagates like a job completion', async () => {
    const processId = unique('vars-set');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]), { shared: 1 });
    const job = await takeJob(type);
    const taskScope = String(job.elementInstanceKey);
    await setVariables(taskScope, { onlyHere: 'yes' }, true);
    await setVariables(taskScope, { shared: 2, created: 'up' }, false);
    await expectEventually(() => scopeVariables(processInstanceKey, taskScope), (variables) => expect(variables).toEqual({ onlyHere: 'yes' }));
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toEqual({ shared: 2, created: 'up' }));
    await complete(job);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).not.toHaveProperty('onlyHere')); // locals end with their element
  });

  test('SetVariables on an element instance that does not exist gets NOT_FOUND', async () => {
    expect((await refusal(grpc().setVariables({ elementInstanceKey: '2251799813685249999', variables: { a: 1 }, local: false }))).code).toBe(GrpcStatus.NOT_FOUND);
  });
});
