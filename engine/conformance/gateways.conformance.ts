// Gateways: exclusive (conditions in order, default flow, CONDITION_ERROR), parallel (fork/join),
// event-based (the first event wins).
import { docs } from './support/docs.ts';
import { chain, endEvent, eventBasedGateway, exclusiveGateway, flow, intermediateCatch, message, messageRef, model, parallelGateway, serviceTask, startEvent, timerDuration } from './support/bpmn.ts';
import { sleep } from './support/eventually.ts';
import { activeIncident, elementInstances, elementReaches, instanceReaches, processInstances } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, publish, setVariables, start, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

/** start → decide → big (amount > 100) | medium (amount > 10) | small (default, optional) */
function decision(processId: string, withDefault: boolean): string {
  return model(processId, [
    startEvent(),
    exclusiveGateway('decide', withDefault ? 'toSmall' : undefined),
    endEvent('big'),
    endEvent('medium'),
    ...(withDefault ? [endEvent('small')] : []),
    ...chain('start', 'decide'),
    flow('decide', 'big', { condition: '=amount > 100' }),
    flow('decide', 'medium', { condition: '=amount > 10' }),
    ...(withDefault ? [flow('decide', 'small', { id: 'toSmall' })] : []),
  ]);
}

describe(`Exclusive gateway (${docs.exclusiveGateways})`, () => {
  const processId = unique('xor');
  beforeAll(() => deploy(processId, decision(processId, true)));

  test.each([
    [500, 'big'], // both conditions hold: the first in order wins
    [50, 'medium'],
    [5, 'small'], // none holds: the default flow
  ])('amount %p takes %p', async (amount, end) => {
    const processInstanceKey = await start(processId, { amount });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, end, 'COMPLETED');
    expect((await elementInstances({ processInstanceKey, type: 'END_EVENT' })).items.map((item) => item.elementId)).toEqual([end]);
  });

  test('no condition holds and no default flow → CONDITION_ERROR incident; SetVariables + ResolveIncident → it goes on', async () => {
    const noDefault = unique('xor-nodefault');
    await deploy(noDefault, decision(noDefault, false));
    const processInstanceKey = await start(noDefault, { amount: 1 });
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('CONDITION_ERROR');
    expect(incident.elementId).toBe('decide');
    await setVariables(processInstanceKey, { amount: 1000 }, false);
    await grpc().resolveIncident({ incidentKey: String(incident.incidentKey) });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'big', 'COMPLETED');
  });

  test('a condition that cannot be evaluated (missing variable compared) → CONDITION_ERROR incident', async () => {
    const noDefault = unique('xor-missing');
    await deploy(noDefault, decision(noDefault, false));
    const processInstanceKey = await start(noDefault, {});
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('CONDITION_ERROR');
  });
});

describe(`Parallel gateway: fork and join (${docs.parallelGateways})`, () => {
  test('the join waits for a token on every incoming flow', async () => {
    const processId = unique('and');
    const [typeA, typeB] = [unique('a'), unique('b')];
    await deploy(
      processId,
      model(processId, [
        startEvent(),
        parallelGateway('fork'),
        serviceTask('A', typeA),
        serviceTask('B', typeB),
        parallelGateway('join'),
        endEvent(),
        ...chain('start', 'fork'),
        ...chain('fork', 'A', 'join'),
        ...chain('fork', 'B', 'join'),
        ...chain('join', 'end'),
      ]),
    );
    const processInstanceKey = await start(processId);
    const [jobA, jobB] = await Promise.all([takeJob(typeA), takeJob(typeB)]);
    await complete(jobA, { a: 1 });
    await sleep(500);
    expect((await processInstances({ processInstanceKey })).items[0]?.state).toBe('ACTIVE');
    expect((await elementInstances({ processInstanceKey, elementId: 'end' })).items).toHaveLength(0);
    await complete(jobB, { b: 2 });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    expect((await elementInstances({ processInstanceKey, elementId: 'end' })).items).toHaveLength(1); // joined once
  });
});

describe(`Event-based gateway: the first event wins (${docs.eventBasedGateways})`, () => {
  test('a message before the timer takes the message path; the timer never fires', async () => {
    const processId = unique('event-gateway');
    const name = unique('Reply');
    await deploy(
      processId,
      model(
        processId,
        [startEvent(), eventBasedGateway('choose'), intermediateCatch('reply', messageRef('msg')), intermediateCatch('noReply', timerDuration('PT1H')), endEvent('replied'), endEvent('gaveUp'), ...chain('start', 'choose'), ...chain('choose', 'reply', 'replied'), ...chain('choose', 'noReply', 'gaveUp')],
        [message('msg', name, '=key')],
      ),
    );
    const processInstanceKey = await start(processId, { key: 'eg-2' });
    await elementReaches(processInstanceKey, 'choose', 'ACTIVE');
    await publish(name, 'eg-2', { variables: { answer: 'yes' } });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'replied', 'COMPLETED');
    expect((await elementInstances({ processInstanceKey, elementId: 'noReply' })).items).toHaveLength(0);
  });
});
