import { EngineError } from '../../src/api.ts';
import { harness, T0, userTask, variable } from './fixtures.ts';

describe('user tasks', () => {
  it('searches by state, assignee, candidate group, element and variables; sorts by creation date', async () => {
    const h = await harness();
    h.engine.records.userTasks.push(
      userTask({ userTaskKey: '31', creationDate: T0 + 2000 }),
      userTask({ userTaskKey: '32', assignee: 'ana', candidateGroups: ['billing'], creationDate: T0 + 1000, priority: 80 }),
      userTask({ userTaskKey: '33', state: 'COMPLETED', processInstanceKey: '6', elementInstanceKey: '60', completionDate: T0 + 5000 }),
    );
    h.engine.records.variables.push(variable({ variableKey: '1', processInstanceKey: '6', scopeKey: '60', name: 'decision', value: '"retry"' }));
    const keys = async (body: unknown) =>
      (await h.app.inject({ method: 'POST', url: '/v2/user-tasks/search', payload: body as object })).json().items.map((item: { userTaskKey: string }) => item.userTaskKey);
    expect(await keys({ filter: { state: 'CREATED' } })).toEqual(['31', '32']);
    expect(await keys({ filter: { assignee: 'ana' } })).toEqual(['32']);
    expect(await keys({ filter: { assignee: { $exists: false } } })).toEqual(['31', '33']);
    expect(await keys({ filter: { candidateGroup: 'billing' } })).toEqual(['32']);
    expect(await keys({ filter: { priority: { $gte: 60 } } })).toEqual(['32']);
    expect(await keys({ filter: { processInstanceKey: '6' } })).toEqual(['33']);
    expect(await keys({ filter: { localVariables: [{ name: 'decision', value: '"retry"' }] } })).toEqual(['33']);
    expect(await keys({ filter: { processInstanceVariables: [{ name: 'decision', value: '"retry"' }] } })).toEqual(['33']);
    expect(await keys({ sort: [{ field: 'creationDate' }] })).toEqual(['33', '32', '31']);
    const bad = await h.app.inject({ method: 'POST', url: '/v2/user-tasks/search', payload: { sort: [{ field: 'userTaskKey' }] } });
    expect(bad.statusCode).toBe(400);
  });

  it('answers a task by key in the 8.9 shape, 404 when unknown', async () => {
    const h = await harness();
    h.engine.records.userTasks.push(userTask({ userTaskKey: '31', formKey: '41', customHeaders: { lane: 'ops' } }));
    const response = await h.app.inject({ method: 'GET', url: '/v2/user-tasks/31' });
    expect(response.json()).toMatchObject({
      userTaskKey: '31',
      elementId: 'UserTask_ResolveFallout',
      name: 'Resolve fallout',
      state: 'CREATED',
      assignee: null,
      candidateGroups: ['ops'],
      formKey: '41',
      creationDate: '2026-01-01T00:00:00.000Z',
      completionDate: null,
      processDefinitionId: 'order-fulfillment',
      customHeaders: { lane: 'ops' },
      priority: 50,
    });
    expect((await h.app.inject({ method: 'GET', url: '/v2/user-tasks/39' })).statusCode).toBe(404);
  });

  it('answers the linked form, 204 when the task has none', async () => {
    const h = await harness();
    h.engine.records.userTasks.push(userTask({ userTaskKey: '31', formKey: '41', formId: 'fallout' }), userTask({ userTaskKey: '32' }));
    h.engine.records.forms.push({ formKey: '41', formId: 'fallout', version: 2, resourceName: 'fallout.form', tenantId: '<default>', schema: '{"components":[]}' });
    const form = await h.app.inject({ method: 'GET', url: '/v2/user-tasks/31/form' });
    expect(form.statusCode).toBe(200);
    expect(form.json()).toEqual({ formKey: '41', formId: 'fallout', version: 2, schema: '{"components":[]}', tenantId: '<default>' });
    expect((await h.app.inject({ method: 'GET', url: '/v2/user-tasks/32/form' })).statusCode).toBe(204);
  });

  it('assigns (override allowed by default), unassigns and completes with 204', async () => {
    const h = await harness();
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/assignment', payload: { assignee: 'ana' } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/assignment', payload: { assignee: 'bo', allowOverride: false } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'DELETE', url: '/v2/user-tasks/31/assignee' })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/completion', payload: { variables: { decision: 'retry' } } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/completion' })).statusCode).toBe(204);
    expect(h.engine.calls.map((call) => [call.method, ...call.args])).toEqual([
      ['assignUserTask', '31', 'ana', true],
      ['assignUserTask', '31', 'bo', false],
      ['unassignUserTask', '31'],
      ['completeUserTask', '31', { decision: 'retry' }],
      ['completeUserTask', '31', {}],
    ]);
  });

  it('refuses an assignment without assignee (400) and answers the engine’s wrong state as 409', async () => {
    const h = await harness();
    const missing = await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/assignment', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toContain('assignee');
    h.engine.failNext('assignUserTask', new EngineError('FAILED_PRECONDITION', 'already assigned'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/assignment', payload: { assignee: 'x', allowOverride: false } })).statusCode).toBe(409);
    h.engine.failNext('completeUserTask', new EngineError('NOT_FOUND', 'gone'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/user-tasks/31/completion', payload: {} })).statusCode).toBe(404);
  });
});
