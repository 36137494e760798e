// Timers on the engine clock (pinned with PUT /v2/clock): durations, dates, cycles, timer start
// events, boundary timers; job deadlines and retry backoffs follow the same clock.
import { docs } from './support/docs.ts';
import { boundaryEvent, chain, endEvent, eventBasedGateway, eventStart, subProcess, intermediateCatch, message, messageRef, model, serviceTask, startEvent, timerCycle, timerDate, timerDuration } from './support/bpmn.ts';
import { advanceClock, describeWithClock, resetClock } from './support/clock.ts';
import { eventually, sleep } from './support/eventually.ts';
import { elementInstances, elementReaches, instanceReaches, processInstances, rest } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { complete, deploy, deployAndStart, jobsNow, start, takeJob } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(async () => {
  await resetClock();
  await closeClients();
});

const minutes = (n: number) => n * 60_000;
const stillActive = async (processInstanceKey: string) => {
  await sleep(1_000);
  expect((await processInstances({ processInstanceKey })).items[0]?.state).toBe('ACTIVE');
};

describeWithClock(`Timer events: intermediate catch on the clock (${docs.timerEvents})`, () => {
  test('a duration timer fires when the clock passes its due time, never before', async () => {
    const processId = unique('timer-duration');
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), intermediateCatch('wait', timerDuration('PT1H')), endEvent(), ...chain('start', 'wait', 'end')]));
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await advanceClock(minutes(30));
    await stillActive(processInstanceKey);
    await advanceClock(minutes(31));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
  }, 60_000);

  test('a date timer fires at its date', async () => {
    const processId = unique('timer-date');
    const base = await advanceClock(0);
    const due = new Date(base + minutes(120)).toISOString();
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), intermediateCatch('wait', timerDate(due)), endEvent(), ...chain('start', 'wait', 'end')]));
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await advanceClock(minutes(60));
    await stillActive(processInstanceKey);
    await advanceClock(minutes(61));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
  }, 60_000);

  test('a duration expression is evaluated from the instance variables', async () => {
    const processId = unique('timer-expression');
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), intermediateCatch('wait', timerDuration('=wait')), endEvent(), ...chain('start', 'wait', 'end')]), { wait: 'PT5M' });
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await advanceClock(minutes(6));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
  }, 60_000);
});

describeWithClock(`Timer events: boundary timers (${docs.timerEvents})`, () => {
  test('an interrupting duration timer on a task terminates it and takes the timeout path', async () => {
    const processId = unique('timer-boundary');
    const type = unique('type');
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [startEvent(), serviceTask('task', type), endEvent(), boundaryEvent('timeout', 'task', timerDuration('PT10M')), endEvent('timedOut'), ...chain('start', 'task', 'end'), ...chain('timeout', 'timedOut')]),
    );
    await elementReaches(processInstanceKey, 'task', 'ACTIVE');
    await advanceClock(minutes(11));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
    await elementReaches(processInstanceKey, 'timedOut', 'COMPLETED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
  }, 60_000);

  test('a non-interrupting cycle timer (R2/PT10M) fires twice beside the task, then no more', async () => {
    const processId = unique('timer-cycle');
    const [type, remindType] = [unique('type'), unique('remind')];
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [startEvent(), serviceTask('task', type), endEvent(), boundaryEvent('remind', 'task', timerCycle('R2/PT10M'), false), serviceTask('sendReminder', remindType), endEvent('reminded'), ...chain('start', 'task', 'end'), ...chain('remind', 'sendReminder', 'reminded')]),
    );
    const job = await takeJob(type, { jobTimeoutMs: minutes(240) }); // outlives the clock jumps below
    await advanceClock(minutes(10) + 1_000);
    await complete(await takeJob(remindType, { timeoutMs: 40_000 }));
    await advanceClock(minutes(10) + 1_000);
    await complete(await takeJob(remindType, { timeoutMs: 40_000 }));
    await advanceClock(minutes(10) + 1_000);
    await sleep(1_500);
    expect(await jobsNow(remindType)).toEqual([]);
    expect((await elementInstances({ processInstanceKey, elementId: 'remind' })).items).toHaveLength(2);
    await complete(job);
    await instanceReaches(processInstanceKey, 'COMPLETED');
  }, 120_000);
});

describeWithClock(`Event subprocesses with a timer start (${docs.eventSubprocesses})`, () => {
  test('a non-interrupting timer event subprocess runs beside the process; an interrupting one ends it', async () => {
    const processId = unique('evsub-timer');
    const [type, remindType] = [unique('type'), unique('remind')];
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(
      processId,
      model(processId, [
        startEvent(),
        serviceTask('task', type),
        endEvent(),
        ...chain('start', 'task', 'end'),
        subProcess('remindLater', [eventStart('remindStart', timerDuration('PT10M'), false), serviceTask('remind', remindType), endEvent('reminded'), ...chain('remindStart', 'remind', 'reminded')], { triggeredByEvent: true }),
        subProcess('giveUp', [eventStart('giveUpStart', timerDuration('PT1H'), true), endEvent('gaveUp'), ...chain('giveUpStart', 'gaveUp')], { triggeredByEvent: true }),
      ]),
    );
    await takeJob(type, { jobTimeoutMs: minutes(240) });
    await advanceClock(minutes(11));
    await complete(await takeJob(remindType, { timeoutMs: 40_000, jobTimeoutMs: minutes(240) }));
    await elementReaches(processInstanceKey, 'reminded', 'COMPLETED', 40_000);
    expect((await processInstances({ processInstanceKey })).items[0]?.state).toBe('ACTIVE');
    await advanceClock(minutes(50));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
    await elementReaches(processInstanceKey, 'gaveUp', 'COMPLETED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
  }, 90_000);
});

describeWithClock(`Timer events: timer start events (${docs.timerEvents})`, () => {
  test('a timer start event with a date starts one instance when the clock reaches it', async () => {
    const processId = unique('timer-start-date');
    const base = await advanceClock(0);
    await deploy(processId, model(processId, [startEvent('start', timerDate(new Date(base + minutes(60)).toISOString())), endEvent(), ...chain('start', 'end')]));
    await advanceClock(minutes(61));
    const found = await eventually(() => processInstances({ processDefinitionId: processId }), (result) => result.items.length === 1, { timeoutMs: 40_000, what: 'a timer-started instance' });
    expect(found.items[0]?.state).toBe('COMPLETED');
  }, 60_000);

  test('a timer start event with a cycle (R2/PT1H) starts an instance per repetition', async () => {
    const processId = unique('timer-start-cycle');
    await advanceClock(0);
    await deploy(processId, model(processId, [startEvent('start', timerCycle('R2/PT1H')), endEvent(), ...chain('start', 'end')]));
    await advanceClock(minutes(61));
    await eventually(() => processInstances({ processDefinitionId: processId }), (result) => result.items.length === 1, { timeoutMs: 40_000, what: 'the first cycle instance' });
    await advanceClock(minutes(60));
    await eventually(() => processInstances({ processDefinitionId: processId }), (result) => result.items.length === 2, { timeoutMs: 40_000, what: 'the second cycle instance' });
    await advanceClock(minutes(120));
    await sleep(1_500);
    expect((await processInstances({ processDefinitionId: processId })).items).toHaveLength(2);
  }, 120_000);
});

describeWithClock(`Event-based gateway: the first event wins (${docs.eventBasedGateways})`, () => {
  test('when the timer comes first, the timer path is taken and the message subscription closes', async () => {
    const processId = unique('event-gateway-timer');
    const name = unique('Reply');
    await advanceClock(0);
    const processInstanceKey = await deployAndStart(
      processId,
      model(
        processId,
        [startEvent(), eventBasedGateway('choose'), intermediateCatch('reply', messageRef('msg')), intermediateCatch('noReply', timerDuration('PT1H')), endEvent('replied'), endEvent('gaveUp'), ...chain('start', 'choose'), ...chain('choose', 'reply', 'replied'), ...chain('choose', 'noReply', 'gaveUp')],
        [message('msg', name, '=key')],
      ),
      { key: 'eg-1' },
    );
    await elementReaches(processInstanceKey, 'choose', 'ACTIVE');
    await advanceClock(minutes(61));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
    await elementReaches(processInstanceKey, 'gaveUp', 'COMPLETED');
    expect((await elementInstances({ processInstanceKey, elementId: 'replied' })).items).toHaveLength(0);
  }, 60_000);
});

describeWithClock(`Job deadlines and retry backoff follow the engine clock (${docs.jobWorkers})`, () => {
  test('a job activated for 10 minutes is activatable again once the clock passes its deadline', async () => {
    const processId = unique('clock-deadline');
    const type = unique('type');
    await advanceClock(0);
    await deployAndStart(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]));
    const job = await takeJob(type, { jobTimeoutMs: minutes(10) });
    await advanceClock(minutes(11));
    const again = await takeJob(type, { timeoutMs: 45_000 });
    expect(again.key).toBe(job.key);
    await complete(again);
  }, 60_000);

  test('a job failed with a 10 minute backoff is activatable once the clock passes it', async () => {
    const processId = unique('clock-backoff');
    const type = unique('type');
    await advanceClock(0);
    await deployAndStart(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]));
    const job = await takeJob(type);
    await grpc().failJob({ jobKey: job.key, retries: 2, errorMessage: 'later', retryBackOff: minutes(10) });
    await sleep(1_000);
    expect(await jobsNow(type)).toEqual([]);
    await advanceClock(minutes(11));
    const again = await takeJob(type, { timeoutMs: 45_000 });
    expect(again.key).toBe(job.key);
    await complete(again);
  }, 60_000);
});

describeWithClock(`REST: clock pin and reset (${docs.restPinClock}, ${docs.restResetClock})`, () => {
  test('PUT /v2/clock pins (204), a negative timestamp is a 400 problem, POST /v2/clock/reset returns to system time (204)', async () => {
    const pinned = await rest('PUT', '/clock', { timestamp: Date.now() + minutes(1) });
    expect(pinned.status).toBe(204);
    const invalid = await rest('PUT', '/clock', { timestamp: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.contentType).toContain('application/problem+json');
    const reset = await rest('POST', '/clock/reset');
    expect(reset.status).toBe(204);
  });

  test('after a reset the clock runs on system time: a 1 hour timer waits, and a later pin fires it', async () => {
    const processId = unique('clock-reset');
    await resetClock();
    const processInstanceKey = await deployAndStart(processId, model(processId, [startEvent(), intermediateCatch('wait', timerDuration('PT1H')), endEvent(), ...chain('start', 'wait', 'end')]));
    await elementReaches(processInstanceKey, 'wait', 'ACTIVE');
    await stillActive(processInstanceKey);
    await advanceClock(minutes(61));
    await instanceReaches(processInstanceKey, 'COMPLETED', 40_000);
    await start(processId); // the clock keeps working after a reset and a new pin
  }, 60_000);
});
