import { EngineError } from '../../src/api.ts';
import { harness, processDefinition, processInstance, T0, variable, incident, elementInstance } from './fixtures.ts';
import type { Harness } from './fixtures.ts';

const KEY_A = '2251799813685301';
const KEY_B = '2251799813685302';
const KEY_C = '2251799813685303';

function seed({ engine }: Harness): void {
  engine.records.processDefinitions.push(processDefinition());
  engine.records.processInstances.push(
    processInstance({ processInstanceKey: KEY_A, startDate: T0 + 3000 }),
    processInstance({ processInstanceKey: KEY_B, startDate: T0 + 1000, state: 'COMPLETED', endDate: T0 + 5000 }),
    processInstance({ processInstanceKey: KEY_C, startDate: T0 + 2000, hasIncident: true, bpmnProcessId: 'reconciliation' }),
  );
  engine.records.variables.push(
    variable({ variableKey: '1', processInstanceKey: KEY_A, scopeKey: KEY_A, name: 'orderId', value: '"A-1"' }),
    variable({ variableKey: '2', processInstanceKey: KEY_B, scopeKey: KEY_B, name: 'orderId', value: '"B-2"' }),
  );
}

describe('POST /v2/process-instances', () => {
  it('creates by process definition id and answers the 8.9 shape', async () => {
    const h = await harness();
    const response = await h.app.inject({
      method: 'POST',
      url: '/v2/process-instances',
      payload: { processDefinitionId: 'order-fulfillment', variables: { orderId: 'A-1' } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      processDefinitionId: 'order-fulfillment',
      processDefinitionVersion: 1,
      tenantId: '<default>',
      variables: {},
      tags: [],
      businessId: null,
    });
    expect(typeof response.json().processInstanceKey).toBe('string');
    expect(h.engine.calls[0]).toEqual({
      method: 'createProcessInstance',
      args: [{ bpmnProcessId: 'order-fulfillment', processDefinitionKey: undefined, version: undefined, variables: { orderId: 'A-1' }, startInstructions: undefined, tenantId: undefined }],
    });
  });

  it('creates by key, passes a version only with an id, and start instructions as element ids', async () => {
    const h = await harness();
    await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionKey: '2251799813685249', processDefinitionVersion: 3 } });
    await h.app.inject({
      method: 'POST',
      url: '/v2/process-instances',
      payload: { processDefinitionId: 'p', processDefinitionVersion: 2, startInstructions: [{ elementId: 'Task_B' }] },
    });
    expect(h.engine.calls[0]?.args[0]).toMatchObject({ processDefinitionKey: '2251799813685249', version: undefined });
    expect(h.engine.calls[1]?.args[0]).toMatchObject({ bpmnProcessId: 'p', version: 2, startInstructions: ['Task_B'] });
  });

  it('refuses neither or both of id and key with a 400 naming the field', async () => {
    const h = await harness();
    const neither = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { variables: {} } });
    const both = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionId: 'p', processDefinitionKey: '1' } });
    for (const response of [neither, both]) {
      expect(response.statusCode).toBe(400);
      expect(response.json().detail).toContain('processDefinitionId');
    }
  });

  it('refuses variables that are not an object', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionId: 'p', variables: [1, 2] } });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('variables');
  });

  it('answers 404 when the engine knows no such definition', async () => {
    const h = await harness();
    h.engine.failNext('createProcessInstance', new EngineError('NOT_FOUND', "Expected to find process definition with process ID 'nope', but none found"));
    const response = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionId: 'nope' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ title: 'NOT_FOUND', detail: expect.stringContaining('nope') });
  });

  it('awaits completion and answers the fetched variables', async () => {
    const h = await harness();
    h.engine.completionVariables = { total: 42 };
    const response = await h.app.inject({
      method: 'POST',
      url: '/v2/process-instances',
      payload: { processDefinitionId: 'p', awaitCompletion: true, fetchVariables: ['total'], requestTimeout: 5000 },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().variables).toEqual({ total: 42 });
    expect(h.engine.calls[1]).toMatchObject({ method: 'awaitCompletion', args: [expect.any(String), ['total'], 6000] });
  });

  it('answers 504 when the instance does not complete within requestTimeout', async () => {
    const h = await harness();
    h.engine.completionVariables = undefined;
    const response = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionId: 'p', awaitCompletion: true, requestTimeout: 100 } });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toMatchObject({ title: 'DEADLINE_EXCEEDED', status: 504 });
  });

  it('answers 409 when the awaited instance is terminated', async () => {
    const h = await harness();
    h.engine.failNext('awaitCompletion', new EngineError('FAILED_PRECONDITION', 'terminated'));
    const response = await h.app.inject({ method: 'POST', url: '/v2/process-instances', payload: { processDefinitionId: 'p', awaitCompletion: true } });
    expect(response.statusCode).toBe(409);
  });
});

describe('GET /v2/process-instances/{key}', () => {
  it('answers the instance with ISO dates, the definition name and null for absent values', async () => {
    const h = await harness();
    seed(h);
    const response = await h.app.inject({ method: 'GET', url: `/v2/process-instances/${KEY_B}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      processInstanceKey: KEY_B,
      processDefinitionKey: '2251799813685249',
      processDefinitionId: 'order-fulfillment',
      processDefinitionName: 'Order fulfillment',
      processDefinitionVersion: 1,
      processDefinitionVersionTag: null,
      startDate: '2026-01-01T00:00:01.000Z',
      endDate: '2026-01-01T00:00:05.000Z',
      state: 'COMPLETED',
      hasIncident: false,
      tenantId: '<default>',
      parentProcessInstanceKey: null,
      parentElementInstanceKey: null,
      rootProcessInstanceKey: KEY_B,
      tags: [],
      businessId: null,
    });
  });

  it('names the root of a called instance', async () => {
    const h = await harness();
    seed(h);
    h.engine.records.processInstances.push(processInstance({ processInstanceKey: '9', parentProcessInstanceKey: KEY_A, parentElementInstanceKey: '8' }));
    const response = await h.app.inject({ method: 'GET', url: '/v2/process-instances/9' });
    expect(response.json()).toMatchObject({ parentProcessInstanceKey: KEY_A, parentElementInstanceKey: '8', rootProcessInstanceKey: KEY_A });
  });

  it('answers 404 for an unknown key and 400 for a malformed one', async () => {
    const h = await harness();
    expect((await h.app.inject({ method: 'GET', url: '/v2/process-instances/123' })).statusCode).toBe(404);
    const malformed = await h.app.inject({ method: 'GET', url: '/v2/process-instances/abc' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toContain('processInstanceKey');
  });
});

describe('POST /v2/process-instances/{key}/cancellation', () => {
  it('cancels with 204', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: `/v2/process-instances/${KEY_A}/cancellation` });
    expect(response.statusCode).toBe(204);
    expect(h.engine.calls).toEqual([{ method: 'cancelProcessInstance', args: [KEY_A] }]);
  });

  it('accepts an empty JSON body and answers 404 for a finished instance', async () => {
    const h = await harness();
    h.engine.failNext('cancelProcessInstance', new EngineError('NOT_FOUND', 'no such instance'));
    const response = await h.app.inject({ method: 'POST', url: `/v2/process-instances/${KEY_A}/cancellation`, payload: {} });
    expect(response.statusCode).toBe(404);
  });
});

describe('POST /v2/process-instances/search', () => {
  const search = async (h: Harness, body: unknown) => h.app.inject({ method: 'POST', url: '/v2/process-instances/search', payload: body as object });

  it('answers every instance with the page totals when the body is empty', async () => {
    const h = await harness();
    seed(h);
    const response = await search(h, {});
    expect(response.statusCode).toBe(200);
    const { items, page } = response.json();
    expect(items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([KEY_A, KEY_B, KEY_C]);
    expect(page).toMatchObject({ totalItems: 3, hasMoreTotalItems: false });
    expect(typeof page.startCursor).toBe('string');
  });

  it('filters by equality, advanced operators and $or', async () => {
    const h = await harness();
    seed(h);
    const keys = async (filter: unknown) => (await search(h, { filter })).json().items.map((item: { processInstanceKey: string }) => item.processInstanceKey);
    expect(await keys({ state: 'ACTIVE' })).toEqual([KEY_A, KEY_C]);
    expect(await keys({ state: { $neq: 'ACTIVE' } })).toEqual([KEY_B]);
    expect(await keys({ hasIncident: true })).toEqual([KEY_C]);
    expect(await keys({ processDefinitionId: { $like: 'order-*' } })).toEqual([KEY_A, KEY_B]);
    expect(await keys({ processInstanceKey: { $in: [KEY_A, KEY_C] } })).toEqual([KEY_A, KEY_C]);
    expect(await keys({ endDate: { $exists: true } })).toEqual([KEY_B]);
    expect(await keys({ startDate: { $gte: '2026-01-01T00:00:02.000Z' } })).toEqual([KEY_A, KEY_C]);
    expect(await keys({ processDefinitionVersion: { $lt: 2 }, state: 'COMPLETED' })).toEqual([KEY_B]);
    expect(await keys({ $or: [{ state: 'COMPLETED' }, { hasIncident: true }] })).toEqual([KEY_B, KEY_C]);
  });

  it('filters by process variables given as JSON text', async () => {
    const h = await harness();
    seed(h);
    const keys = async (variables: unknown) =>
      (await search(h, { filter: { variables } })).json().items.map((item: { processInstanceKey: string }) => item.processInstanceKey);
    expect(await keys([{ name: 'orderId', value: '"A-1"' }])).toEqual([KEY_A]);
    expect(await keys([{ name: 'orderId', value: { $in: ['"A-1"', '"B-2"'] } }])).toEqual([KEY_A, KEY_B]);
    expect(await keys([{ name: 'orderId', value: '"nope"' }])).toEqual([]);
  });

  it('filters by the instance’s incidents and element instances', async () => {
    const h = await harness();
    seed(h);
    h.engine.records.incidents.push(incident({ processInstanceKey: KEY_C, errorMessage: 'billing down' }));
    h.engine.records.elementInstances.push(elementInstance({ processInstanceKey: KEY_A, elementId: 'UserTask_ResolveFallout' }));
    const keys = async (filter: unknown) => (await search(h, { filter })).json().items.map((item: { processInstanceKey: string }) => item.processInstanceKey);
    expect(await keys({ errorMessage: { $like: '*billing*' } })).toEqual([KEY_C]);
    expect(await keys({ elementId: 'UserTask_ResolveFallout' })).toEqual([KEY_A]);
  });

  it('sorts by a field in either order, ties broken by key', async () => {
    const h = await harness();
    seed(h);
    const keys = async (sort: unknown) => (await search(h, { sort })).json().items.map((item: { processInstanceKey: string }) => item.processInstanceKey);
    expect(await keys([{ field: 'startDate' }])).toEqual([KEY_B, KEY_C, KEY_A]);
    expect(await keys([{ field: 'startDate', order: 'DESC' }])).toEqual([KEY_A, KEY_C, KEY_B]);
    expect(await keys([{ field: 'state', order: 'ASC' }])).toEqual([KEY_A, KEY_C, KEY_B]);
  });

  it('pages by offset and by cursor both ways', async () => {
    const h = await harness();
    seed(h);
    const first = (await search(h, { page: { from: 0, limit: 2 } })).json();
    expect(first.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([KEY_A, KEY_B]);
    expect(first.page.totalItems).toBe(3);
    const next = (await search(h, { page: { after: first.page.endCursor, limit: 2 } })).json();
    expect(next.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([KEY_C]);
    const back = (await search(h, { page: { before: next.page.startCursor, limit: 1 } })).json();
    expect(back.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([KEY_B]);
    const offset = (await search(h, { page: { from: 2 } })).json();
    expect(offset.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([KEY_C]);
    const empty = (await search(h, { page: { from: 5 } })).json();
    expect(empty).toEqual({ items: [], page: { totalItems: 3, hasMoreTotalItems: false, startCursor: null, endCursor: null } });
  });

  it('refuses unknown filter fields, bad operators, bad sort fields and bad cursors with 400s that name them', async () => {
    const h = await harness();
    seed(h);
    const cases: [unknown, string][] = [
      [{ filter: { bpmnProcessId: 'x' } }, 'filter.bpmnProcessId'],
      [{ filter: { state: 'CANCELED' } }, 'filter.state'],
      [{ filter: { hasIncident: { $gt: 1 } } }, 'filter.hasIncident'],
      [{ sort: [{ field: 'key' }] }, 'sort.0.field'],
      [{ sort: [{ field: 'startDate', order: 'UP' }] }, 'sort.0.order'],
      [{ page: { from: -1 } }, 'page'],
      [{ page: { after: 'garbage' } }, 'cursor'],
      [{ extra: true }, 'extra'],
    ];
    for (const [body, named] of cases) {
      const response = await search(h, body);
      expect({ body, status: response.statusCode }).toEqual({ body, status: 400 });
      expect(response.json().detail).toContain(named);
    }
  });
});
