import { harness, processDefinition } from './fixtures.ts';

describe('process definitions', () => {
  it('searches by id, version and latest version; sorts by version', async () => {
    const h = await harness();
    h.engine.records.processDefinitions.push(
      processDefinition({ processDefinitionKey: '61', version: 1 }),
      processDefinition({ processDefinitionKey: '62', version: 2 }),
      processDefinition({ processDefinitionKey: '63', bpmnProcessId: 'reconciliation', name: undefined, deleted: true }),
    );
    const keys = async (body: unknown) =>
      (await h.app.inject({ method: 'POST', url: '/v2/process-definitions/search', payload: body as object })).json().items.map(
        (item: { processDefinitionKey: string }) => item.processDefinitionKey,
      );
    expect(await keys({ filter: { processDefinitionId: 'order-fulfillment' } })).toEqual(['61', '62']);
    expect(await keys({ filter: { processDefinitionId: 'order-fulfillment', isLatestVersion: true } })).toEqual(['62']);
    expect(await keys({ filter: { version: 1 } })).toEqual(['61', '63']);
    expect(await keys({ filter: { state: 'DELETED' } })).toEqual(['63']);
    expect(await keys({ sort: [{ field: 'version', order: 'DESC' }] })).toEqual(['62', '61', '63']);
  });

  it('answers a definition by key and its XML as text/xml, 404 when unknown', async () => {
    const h = await harness();
    h.engine.records.processDefinitions.push(processDefinition({ processDefinitionKey: '61', xml: '<definitions id="x"/>' }));
    const definition = await h.app.inject({ method: 'GET', url: '/v2/process-definitions/61' });
    expect(definition.json()).toEqual({
      processDefinitionKey: '61',
      processDefinitionId: 'order-fulfillment',
      name: 'Order fulfillment',
      resourceName: 'order-fulfillment.bpmn',
      version: 1,
      versionTag: null,
      tenantId: '<default>',
      hasStartForm: false,
      state: 'ACTIVE',
    });
    const xml = await h.app.inject({ method: 'GET', url: '/v2/process-definitions/61/xml' });
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toContain('text/xml');
    expect(xml.body).toBe('<definitions id="x"/>');
    expect((await h.app.inject({ method: 'GET', url: '/v2/process-definitions/69/xml' })).statusCode).toBe(404);
  });
});
