// Messages: subscriptions by name and correlation key, buffering for the TTL, messageId
// uniqueness, message start events (one instance per correlation key at a time), REST correlation.
import { docs } from './support/docs.ts';
import { chain, endEvent, intermediateCatch, message, messageRef, model, receiveTask, serviceTask, startEvent } from './support/bpmn.ts';
import { advanceClock, describeWithClock, resetClock } from './support/clock.ts';
import { eventually, expectEventually, sleep } from './support/eventually.ts';
import { activeIncident, elementReaches, instanceReaches, processInstances, rest, scopeVariables } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, GrpcStatus, parse, publish, refusal, setVariables, start, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

/** start → wait (message `name`, correlation key = orderId) → end */
function waitsForMessage(processId: string, name: string, catchElement: 'event' | 'receiveTask' = 'event'): string {
  const waiting = catchElement === 'event' ? intermediateCatch('wait', messageRef('msg')) : receiveTask('wait', 'msg');
  return model(processId, [startEvent(), waiting, endEvent(), ...chain('start', 'wait', 'end')], [message('msg', name, '=orderId')]);
}

describe(`Messages: correlation by name and correlation key (${docs.messages})`, () => {
  test('a published message correlates to the waiting subscription with its key and merges its variables', async () => {
    const processId = unique('msg-correlate');
    const name = unique('Paid');
    await deploy(processId, waitsForMessage(processId, name));
    const mine = await start(processId, { orderId: 'order-1' });
    const other = await start(processId, { orderId: 'order-2' });
    await elementReaches(mine, 'wait', 'ACTIVE');
    await publish(name, 'order-1', { variables: { amount: 42 } });
    await instanceReaches(mine, 'COMPLETED');
    await expectEventually(() => scopeVariables(mine), (variables) => expect(variables).toMatchObject({ amount: 42 }));
    const otherInstance = await processInstances({ processInstanceKey: other });
    expect(otherInstance.items[0]?.state).toBe('ACTIVE');
  });

  test('a receive task waits for its message like a catch event', async () => {
    const processId = unique('msg-receive');
    const name = unique('Shipped');
    await deploy(processId, waitsForMessage(processId, name, 'receiveTask'));
    const processInstanceKey = await start(processId, { orderId: 'r-1' });
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await publish(name, 'r-1');
    await instanceReaches(processInstanceKey, 'COMPLETED');
  });
});

describe(`Messages: cardinality, once per process and once to each process (${docs.messages})`, () => {
  test('one message correlates to one waiting instance of a process, and to a waiting instance of another process too', async () => {
    const [processA, processB] = [unique('msg-card-a'), unique('msg-card-b')];
    const name = unique('Once');
    await deploy(processA, waitsForMessage(processA, name));
    await deploy(processB, waitsForMessage(processB, name));
    const waitingA = [await start(processA, { orderId: 'same' }), await start(processA, { orderId: 'same' })];
    const waitingB = await start(processB, { orderId: 'same' });
    for (const key of [...waitingA, waitingB]) await elementReaches(key, 'wait', 'ACTIVE');
    await publish(name, 'same');
    await instanceReaches(waitingB, 'COMPLETED');
    const stateOfA = () => processInstances({ processDefinitionId: processA });
    await eventually(stateOfA, (found) => found.items.filter((item) => item.state === 'COMPLETED').length === 1, { what: 'one instance of A completed' });
    await sleep(1_000);
    expect((await stateOfA()).items.map((item) => item.state).sort()).toEqual(['ACTIVE', 'COMPLETED']);
  });
});

describe(`Messages: buffering (${docs.messages})`, () => {
  test('a message published before its subscription opens is buffered for its TTL and correlates when the instance arrives', async () => {
    const processId = unique('msg-buffered');
    const name = unique('Early');
    await deploy(processId, waitsForMessage(processId, name));
    await publish(name, 'early-1', { timeToLive: 60_000, variables: { early: true } });
    const processInstanceKey = await start(processId, { orderId: 'early-1' });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toMatchObject({ early: true }));
  });

  test('a message with TTL 0 is not buffered', async () => {
    const processId = unique('msg-ttl0');
    const name = unique('Gone');
    await deploy(processId, waitsForMessage(processId, name));
    await publish(name, 'gone-1', { timeToLive: 0 });
    const processInstanceKey = await start(processId, { orderId: 'gone-1' });
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await sleep(1_500);
    expect((await processInstances({ processInstanceKey })).items[0]?.state).toBe('ACTIVE');
  });

  test('a messageId is unique while its message is buffered: a second publish gets ALREADY_EXISTS', async () => {
    const name = unique('Dup');
    const messageId = unique('id');
    await publish(name, 'dup-1', { timeToLive: 60_000, messageId });
    const second = await refusal(publish(name, 'dup-1', { timeToLive: 60_000, messageId }));
    expect(second.code).toBe(GrpcStatus.ALREADY_EXISTS);
    // another id, or another name, is a different message
    await publish(name, 'dup-1', { timeToLive: 60_000, messageId: unique('id') });
  });
});

describeWithClock(`Messages: TTL expiry on the engine clock (${docs.messages})`, () => {
  afterAll(resetClock);

  test('after its TTL a buffered message is gone: its messageId is free again and a new instance does not get it', async () => {
    const processId = unique('msg-ttl');
    const name = unique('Expiring');
    const messageId = unique('id');
    await deploy(processId, waitsForMessage(processId, name));
    await publish(name, 'exp-1', { timeToLive: 60_000, messageId, variables: { which: 'first' } });
    await advanceClock(10 * 60_000);
    // the id is accepted again once the first message expired (the broker sweeps expired messages periodically)
    await eventually(
      () => publish(name, 'exp-1', { timeToLive: 60 * 60_000, messageId, variables: { which: 'second' } }).then(() => true, () => false),
      (accepted) => accepted,
      { timeoutMs: 90_000, what: 'the expired messageId to be free again' },
    );
    const processInstanceKey = await start(processId, { orderId: 'exp-1' });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toMatchObject({ which: 'second' }));
  }, 120_000);
});

describe(`Message start events: one instance per correlation key at a time (${docs.messageEvents})`, () => {
  test('a second message with the same correlation key waits (buffered) until the first instance ends; another key starts at once', async () => {
    const processId = unique('msg-start');
    const name = unique('Order');
    const type = unique('type');
    await deploy(processId, model(processId, [startEvent('start', messageRef('msg')), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')], [message('msg', name)]));
    const instancesOf = () => processInstances({ processDefinitionId: processId });

    await publish(name, 'customer-1', { timeToLive: 60_000, variables: { n: 1 } });
    await eventually(instancesOf, (found) => found.items.length === 1, { what: 'the first instance' });
    await publish(name, 'customer-1', { timeToLive: 60_000, variables: { n: 2 } });
    await publish(name, 'customer-2', { timeToLive: 60_000, variables: { n: 3 } });
    await eventually(instancesOf, (found) => found.items.length === 2, { what: 'the instance of the other key' });
    await sleep(1_000);
    expect((await instancesOf()).items).toHaveLength(2); // the second customer-1 message is held back

    const first = await takeJob(type, { fetchVariable: ['n'] });
    const secondJob = await takeJob(type, { fetchVariable: ['n'] });
    const byN = [first, secondJob].sort((a, b) => Number(parse(a)['n']) - Number(parse(b)['n']));
    expect(byN.map((job) => parse(job)['n'])).toEqual([1, 3]);
    await complete(byN[0]!); // customer-1's first instance ends…
    const third = await takeJob(type, { fetchVariable: ['n'] }); // …and the buffered message starts the next one
    expect(parse(third)['n']).toBe(2);
    await complete(third);
    await complete(byN[1]!);
    await eventually(instancesOf, (found) => found.items.length === 3 && found.items.every((item) => item.state === 'COMPLETED'), { what: 'three completed instances' });
  });
});

describe(`REST: message correlation (${docs.restApi})`, () => {
  test('POST /v2/messages/correlation correlates to a waiting instance and answers its key; with nothing waiting it is 404', async () => {
    const processId = unique('msg-rest');
    const name = unique('Rest');
    await deploy(processId, waitsForMessage(processId, name));
    const processInstanceKey = await start(processId, { orderId: 'rest-1' });
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    const correlated = await rest<{ messageKey: string; processInstanceKey: string }>('POST', '/messages/correlation', { name, correlationKey: 'rest-1', variables: { via: 'rest' } });
    expect(correlated.status).toBe(200);
    expect(correlated.body.processInstanceKey).toBe(processInstanceKey);
    expect(typeof correlated.body.messageKey).toBe('string');
    await instanceReaches(processInstanceKey, 'COMPLETED');

    const unmatched = await rest<{ status: number }>('POST', '/messages/correlation', { name, correlationKey: 'nobody' });
    expect(unmatched.status).toBe(404);
    expect(unmatched.contentType).toContain('application/problem+json');
  });

  test('POST /v2/messages/publication buffers like PublishMessage and answers the message key as a string', async () => {
    const processId = unique('msg-rest-publish');
    const name = unique('RestPublish');
    await deploy(processId, waitsForMessage(processId, name));
    const published = await rest<{ messageKey: string }>('POST', '/messages/publication', { name, correlationKey: 'rp-1', timeToLive: 60_000, variables: { via: 'rest' } });
    expect(published.status).toBe(200);
    expect(published.body.messageKey).toMatch(/^\d+$/);
    const processInstanceKey = await start(processId, { orderId: 'rp-1' });
    await instanceReaches(processInstanceKey, 'COMPLETED');
  });
});

describe(`Messages: a correlation key that is not a string or number (${docs.messages})`, () => {
  test('→ EXTRACT_VALUE_ERROR incident; SetVariables + ResolveIncident opens the subscription', async () => {
    const processId = unique('msg-bad-key');
    const name = unique('BadKey');
    await deploy(processId, waitsForMessage(processId, name));
    const processInstanceKey = await start(processId, { orderId: ['not', 'a', 'key'] });
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('EXTRACT_VALUE_ERROR');
    expect(incident.elementId).toBe('wait');
    await setVariables(processInstanceKey, { orderId: 'fixed-1' }, false);
    await grpc().resolveIncident({ incidentKey: String(incident.incidentKey) });
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await eventually(
      () => publish(name, 'fixed-1').then(() => processInstances({ processInstanceKey })),
      (found) => found.items[0]?.state === 'COMPLETED',
      { what: 'correlation after the fix' },
    );
  });
});
