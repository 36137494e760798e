import { EngineError } from '../../src/api.ts';
import { harness, incident } from './fixtures.ts';

describe('incidents', () => {
  it('searches by state, errorType, jobKey and process instance, sorted by creation time', async () => {
    const h = await harness();
    h.engine.records.incidents.push(
      incident({ incidentKey: '21', creationTime: 3000 }),
      incident({ incidentKey: '22', state: 'RESOLVED', creationTime: 1000 }),
      incident({ incidentKey: '23', errorType: 'IO_MAPPING_ERROR', jobKey: undefined, processInstanceKey: '5', creationTime: 2000 }),
    );
    const keys = async (body: unknown) =>
      (await h.app.inject({ method: 'POST', url: '/v2/incidents/search', payload: body as object })).json().items.map((item: { incidentKey: string }) => item.incidentKey);
    expect(await keys({ filter: { state: 'ACTIVE' } })).toEqual(['21', '23']);
    expect(await keys({ filter: { errorType: 'IO_MAPPING_ERROR' } })).toEqual(['23']);
    expect(await keys({ filter: { errorType: { $in: ['JOB_NO_RETRIES'] }, state: 'ACTIVE' } })).toEqual(['21']);
    expect(await keys({ filter: { jobKey: { $exists: false } } })).toEqual(['23']);
    expect(await keys({ filter: { processInstanceKey: '5' } })).toEqual(['23']);
    expect(await keys({ filter: { errorMessage: { $like: 'inventory*' } } })).toEqual(['21', '22', '23']);
    expect(await keys({ sort: [{ field: 'creationTime', order: 'ASC' }] })).toEqual(['22', '23', '21']);
  });

  it('answers an incident by key, 404 when unknown', async () => {
    const h = await harness();
    h.engine.records.incidents.push(incident({ incidentKey: '21' }));
    const response = await h.app.inject({ method: 'GET', url: '/v2/incidents/21' });
    expect(response.json()).toMatchObject({
      incidentKey: '21',
      processDefinitionId: 'order-fulfillment',
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'inventory down',
      elementId: 'ServiceTask_ReserveInventory',
      elementInstanceKey: '2251799813685400',
      jobKey: '2251799813685600',
      state: 'ACTIVE',
      creationTime: '2026-01-01T00:00:00.000Z',
    });
    expect((await h.app.inject({ method: 'GET', url: '/v2/incidents/22' })).statusCode).toBe(404);
  });

  it('resolves with 204; a gone incident is 404', async () => {
    const h = await harness();
    const resolved = await h.app.inject({ method: 'POST', url: '/v2/incidents/21/resolution', payload: {} });
    expect(resolved.statusCode).toBe(204);
    expect(h.engine.calls).toEqual([{ method: 'resolveIncident', args: ['21'] }]);
    h.engine.failNext('resolveIncident', new EngineError('NOT_FOUND', 'no incident 21'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/incidents/21/resolution' })).statusCode).toBe(404);
  });

  it('searches the incidents of one process instance', async () => {
    const h = await harness();
    h.engine.records.incidents.push(incident({ incidentKey: '21' }), incident({ incidentKey: '23', processInstanceKey: '5' }), incident({ incidentKey: '24', processInstanceKey: '5', state: 'RESOLVED' }));
    const response = await h.app.inject({ method: 'POST', url: '/v2/process-instances/5/incidents/search', payload: { filter: { state: 'ACTIVE' } } });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((item: { incidentKey: string }) => item.incidentKey)).toEqual(['23']);
    expect(response.json().page.totalItems).toBe(1);
    const all = await h.app.inject({ method: 'POST', url: '/v2/process-instances/5/incidents/search' });
    expect(all.json().page.totalItems).toBe(2);
  });
});
