import { EngineError } from '../../src/api.ts';
import { elementInstance, harness, T0 } from './fixtures.ts';

describe('element instances', () => {
  it('searches one instance’s element instances by elementId, type, state and incident', async () => {
    const h = await harness();
    h.engine.records.elementInstances.push(
      elementInstance({ elementInstanceKey: '11', elementId: 'StartEvent_Order', type: 'START_EVENT', state: 'COMPLETED', endDate: T0 + 1 }),
      elementInstance({ elementInstanceKey: '12', hasIncident: true, incidentKey: '99', elementName: 'Reserve inventory' }),
      elementInstance({ elementInstanceKey: '13', processInstanceKey: '777' }),
    );
    const keys = async (filter: unknown) =>
      (await h.app.inject({ method: 'POST', url: '/v2/element-instances/search', payload: { filter } })).json().items.map((item: { elementInstanceKey: string }) => item.elementInstanceKey);
    expect(await keys({ processInstanceKey: '2251799813685300' })).toEqual(['11', '12']);
    expect(await keys({ processInstanceKey: '2251799813685300', elementId: 'ServiceTask_ReserveInventory' })).toEqual(['12']);
    expect(await keys({ type: 'START_EVENT' })).toEqual(['11']);
    expect(await keys({ state: 'ACTIVE' })).toEqual(['12', '13']);
    expect(await keys({ hasIncident: true, incidentKey: '99' })).toEqual(['12']);
    const bad = await h.app.inject({ method: 'POST', url: '/v2/element-instances/search', payload: { filter: { type: 'FLOW_NODE' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('filter.type');
  });

  it('answers an element instance by key in the 8.9 shape, 404 when unknown', async () => {
    const h = await harness();
    h.engine.records.elementInstances.push(elementInstance({ elementInstanceKey: '12', hasIncident: true, incidentKey: '99' }));
    const response = await h.app.inject({ method: 'GET', url: '/v2/element-instances/12' });
    expect(response.json()).toEqual({
      elementInstanceKey: '12',
      processInstanceKey: '2251799813685300',
      rootProcessInstanceKey: '2251799813685300',
      processDefinitionKey: '2251799813685249',
      processDefinitionId: 'order-fulfillment',
      elementId: 'ServiceTask_ReserveInventory',
      elementName: 'ServiceTask_ReserveInventory',
      type: 'SERVICE_TASK',
      state: 'ACTIVE',
      hasIncident: true,
      incidentKey: '99',
      startDate: '2026-01-01T00:00:00.000Z',
      endDate: null,
      tenantId: '<default>',
    });
    expect((await h.app.inject({ method: 'GET', url: '/v2/element-instances/13' })).statusCode).toBe(404);
  });

  it('sets variables on an element instance (propagating unless local), 400 without variables, 404 when gone', async () => {
    const h = await harness();
    const url = '/v2/element-instances/2251799813685300/variables';
    expect((await h.app.inject({ method: 'PUT', url, payload: { variables: { fixed: true } } })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'PUT', url, payload: { variables: { note: 'x' }, local: true } })).statusCode).toBe(204);
    expect(h.engine.calls.map((call) => [call.method, ...call.args])).toEqual([
      ['setVariables', '2251799813685300', { fixed: true }, false],
      ['setVariables', '2251799813685300', { note: 'x' }, true],
    ]);
    const missing = await h.app.inject({ method: 'PUT', url, payload: { local: true } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toContain('variables');
    h.engine.failNext('setVariables', new EngineError('NOT_FOUND', 'no such scope'));
    expect((await h.app.inject({ method: 'PUT', url, payload: { variables: {} } })).statusCode).toBe(404);
  });
});
