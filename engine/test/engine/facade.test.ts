import { activateOne, bpmnResource, chain, pinnedEngine, serviceTask, variablesOf, work } from './harness.ts';

const oneTask = bpmnResource('one', chain('one', [serviceTask('task', 'work')]));

describe('the Engine façade', () => {
  it('awaitCompletion resolves with the final variables (only the fetched ones when given)', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([oneTask]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'one', variables: { a: 1 } });
    const all = engine.awaitCompletion(processInstanceKey, [], 5000);
    const some = engine.awaitCompletion(processInstanceKey, ['b'], 5000);
    await work(engine, 'work', { b: 2 });
    await expect(all).resolves.toEqual({ a: 1, b: 2 });
    await expect(some).resolves.toEqual({ b: 2 });
    await expect(engine.awaitCompletion(processInstanceKey, [], 5000)).resolves.toEqual({ a: 1, b: 2 });
    await engine.close();
  });

  it('awaitCompletion rejects when the instance is terminated, and times out', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([oneTask]);
    const first = await engine.createProcessInstance({ bpmnProcessId: 'one' });
    const waiting = engine.awaitCompletion(first.processInstanceKey, [], 5000);
    await engine.cancelProcessInstance(first.processInstanceKey);
    await expect(waiting).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    const second = await engine.createProcessInstance({ bpmnProcessId: 'one' });
    await expect(engine.awaitCompletion(second.processInstanceKey, [], 10)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await engine.close();
  });

  it('setVariables: local stays on the element instance, otherwise propagates', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([oneTask]);
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: 'one' });
    const job = await activateOne(engine, 'work');
    await engine.setVariables(job.elementInstanceKey, { local: 1 }, true);
    await engine.setVariables(job.elementInstanceKey, { global: 2 }, false);
    expect(variablesOf(engine, processInstanceKey)).toEqual({ global: 2 });
    const scoped = [...engine.queries.variables(processInstanceKey)].find((variable) => variable.name === 'local');
    expect(scoped?.scopeKey).toBe(job.elementInstanceKey);
    await expect(engine.setVariables('1', {}, false)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });

  it('a user task without zeebe:userTask is a job worker task', async () => {
    const engine = await pinnedEngine();
    await engine.deploy([bpmnResource('jut', chain('jut', ['<bpmn:userTask id="u" />']))]);
    await engine.createProcessInstance({ bpmnProcessId: 'jut' });
    await work(engine, 'io.camunda.zeebe:userTask');
    await engine.close();
  });

  it('topology, clock and signals', async () => {
    const engine = await pinnedEngine();
    expect(engine.topology()).toMatchObject({ clusterSize: 1, partitionsCount: 1 });
    expect(engine.clock().pinnedAt).toBe(engine.clock().now);
    await engine.resetClock();
    expect(engine.clock().pinnedAt).toBeUndefined();
    await expect(engine.broadcastSignal('s', {})).resolves.toMatchObject({ tenantId: '<default>' });
    await engine.close();
    await expect(engine.createProcessInstance({ bpmnProcessId: 'x' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('deleting a form makes it unknown; deleting an unknown key is NOT_FOUND', async () => {
    const engine = await pinnedEngine();
    const deployment = await engine.deploy([{ name: 'f.form', content: Buffer.from('{"id":"f"}') }]);
    const form = deployment.deployments[0]!;
    await engine.deleteResource(form.kind === 'form' ? form.formKey : '');
    expect([...engine.queries.forms()]).toHaveLength(0);
    await expect(engine.deleteResource('42')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await engine.close();
  });
});
