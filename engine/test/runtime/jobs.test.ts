import { activateOne, bpmnResource, chain, pinnedEngine, serviceTask, stateOf, T0, variablesOf } from '../engine/harness.ts';

const oneTask = bpmnResource('one-task', chain('one-task', [serviceTask('task', 'work', '<zeebe:taskHeaders><zeebe:header key="h" value="v" /></zeebe:taskHeaders>')]));

async function started() {
  const engine = await pinnedEngine();
  await engine.deploy([oneTask]);
  const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'one-task', variables: { a: 1, b: 'x' } });
  return { engine, processInstanceKey };
}

describe('jobs', () => {
  it('activates with a deadline, headers and every visible variable (fetchVariable empty)', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    expect(job.deadline).toBe(T0 + 60_000);
    expect(JSON.parse(job.customHeaders)).toEqual({ h: 'v' });
    expect(JSON.parse(job.variables)).toEqual({ a: 1, b: 'x' });
    expect(job.retries).toBe(3);
    await engine.close();
  });

  it('fetchVariable limits the variables', async () => {
    const { engine } = await started();
    const [job] = await engine.activateJobs({ type: 'work', worker: 'w', timeout: 1000, maxJobsToActivate: 5, fetchVariable: ['b', 'missing'] });
    expect(JSON.parse(job!.variables)).toEqual({ b: 'x' });
    await engine.close();
  });

  it('at its deadline an activated job is activatable again, retries unchanged; the old completion is NOT_FOUND', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    await engine.pinClock(T0 + 60_000);
    await expect(engine.completeJob(job.key, {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: `Expected to complete job with key '${job.key}', but no such job was found` });
    const again = await activateOne(engine, 'work');
    expect(again.key).toBe(job.key);
    expect(again.retries).toBe(3);
    await engine.close();
  });

  it('fail with retries left: activatable after the backoff; FAILED_PRECONDITION meanwhile', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    await engine.failJob({ jobKey: job.key, retries: 2, errorMessage: 'boom', retryBackOff: 1000, variables: { local: true } });
    await expect(engine.completeJob(job.key, {})).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(activateOne(engine, 'work')).rejects.toThrow();
    await engine.pinClock(T0 + 999);
    await expect(activateOne(engine, 'work')).rejects.toThrow();
    await engine.pinClock(T0 + 1000);
    const again = await activateOne(engine, 'work');
    expect(again.retries).toBe(2);
    expect(JSON.parse(again.variables)).toMatchObject({ local: true });
    await engine.completeJob(again.key, {});
    await engine.close();
  });

  it('fail variables are local to the task', async () => {
    const { engine, processInstanceKey } = await started();
    const job = await activateOne(engine, 'work');
    await engine.failJob({ jobKey: job.key, retries: 1, errorMessage: 'boom', retryBackOff: 0, variables: { local: true } });
    expect(variablesOf(engine, processInstanceKey).local).toBeUndefined();
    await engine.close();
  });

  it('retries 0 raise JOB_NO_RETRIES; update retries then resolve makes it activatable again', async () => {
    const { engine, processInstanceKey } = await started();
    const job = await activateOne(engine, 'work');
    await engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'no more', retryBackOff: 0 });
    const [incident] = [...engine.queries.incidents()];
    expect(incident).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'no more', jobKey: job.key, state: 'ACTIVE', elementId: 'task' });
    expect(engine.queries.processInstance(processInstanceKey)?.hasIncident).toBe(true);
    await engine.updateJobRetries(job.key, 1);
    await engine.resolveIncident(incident!.incidentKey);
    expect(engine.queries.processInstance(processInstanceKey)?.hasIncident).toBe(false);
    await expect(engine.resolveIncident(incident!.incidentKey)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const again = await activateOne(engine, 'work');
    await engine.completeJob(again.key, { done: true });
    expect(stateOf(engine, processInstanceKey)).toBe('COMPLETED');
    expect(variablesOf(engine, processInstanceKey).done).toBe(true);
    await engine.close();
  });

  it('resolving a job incident before its retries are given back is FAILED_PRECONDITION', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    await engine.failJob({ jobKey: job.key, retries: 0, errorMessage: 'no more', retryBackOff: 0 });
    const [incident] = [...engine.queries.incidents()];
    await expect(engine.resolveIncident(incident!.incidentKey)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect([...engine.queries.incidents()].filter((record) => record.state === 'ACTIVE')).toHaveLength(1);
    await engine.close();
  });

  it('resolving an UNHANDLED_ERROR_EVENT incident makes the job activatable again', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    await engine.throwError({ jobKey: job.key, errorCode: 'NOPE', errorMessage: 'bad' });
    await expect(engine.completeJob(job.key, {})).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    const [incident] = [...engine.queries.incidents()];
    await engine.resolveIncident(incident!.incidentKey);
    expect((await activateOne(engine, 'work')).key).toBe(job.key);
    await engine.close();
  });

  it('an unknown job is NOT_FOUND for complete, fail, throw and retries', async () => {
    const { engine } = await started();
    await expect(engine.completeJob('123', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.failJob({ jobKey: '123', retries: 1, errorMessage: '', retryBackOff: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.throwError({ jobKey: '123', errorCode: 'X', errorMessage: '' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(engine.updateJobRetries('123', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });

  it('an uncaught error raises UNHANDLED_ERROR_EVENT', async () => {
    const { engine } = await started();
    const job = await activateOne(engine, 'work');
    await engine.throwError({ jobKey: job.key, errorCode: 'NOPE', errorMessage: 'bad' });
    const [incident] = [...engine.queries.incidents()];
    expect(incident).toMatchObject({ errorType: 'UNHANDLED_ERROR_EVENT' });
    expect(incident!.errorMessage).toContain("'NOPE'");
    await engine.close();
  });

  it('notifies listeners when jobs become activatable and serves one stream with activateForStream', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([oneTask]);
    const seen: string[] = [];
    engine.onJobsAvailable((jobs) => seen.push(...jobs.map((job) => job.type)));
    await engine.createProcessInstance({ bpmnProcessId: 'one-task' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['work']);
    const jobKey = [...engine.queries.jobs()][0]!.jobKey;
    const pushed = await engine.activateForStream(jobKey, { worker: 's', timeout: 5000, fetchVariable: [] });
    expect(pushed?.worker).toBe('s');
    expect(await engine.activateForStream(jobKey, { worker: 's', timeout: 5000, fetchVariable: [] })).toBeUndefined();
    await engine.returnJob(jobKey);
    expect((await activateOne(engine, 'work')).key).toBe(jobKey);
    await engine.close();
  });

  it('retries may be an expression', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('expr-retries', chain('expr-retries', ['<bpmn:serviceTask id="task"><bpmn:extensionElements><zeebe:taskDefinition type="=jobType" retries="=tries + 1" /></bpmn:extensionElements></bpmn:serviceTask>']))]);
    await engine.createProcessInstance({ bpmnProcessId: 'expr-retries', variables: { tries: 4, jobType: 'dyn' } });
    expect((await activateOne(engine, 'dyn')).retries).toBe(5);
    await engine.close();
  });

  it('past maxQueuedCommands unanswered commands the engine answers RESOURCE_EXHAUSTED', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { memoryJournal } = await import('../../src/durability.ts');
    const journal = { ...memoryJournal(), flushed: () => gate };
    const engine = await pinnedEngine({ journal, maxQueuedCommands: 2 });
    const first = engine.deploy([oneTask]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = engine.createProcessInstance({ bpmnProcessId: 'one-task' });
    await expect(engine.createProcessInstance({ bpmnProcessId: 'one-task' })).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    release();
    await first;
    await second;
  });
});
