import { harness, variable } from './fixtures.ts';

describe('variables', () => {
  it('searches by process instance, scope, name and value; sorts by name', async () => {
    const h = await harness();
    h.engine.records.variables.push(
      variable({ variableKey: '51', name: 'orderId', value: '"A-1"' }),
      variable({ variableKey: '52', name: 'amount', value: '12.5' }),
      variable({ variableKey: '53', name: 'orderId', value: '"B-2"', processInstanceKey: '7', scopeKey: '70' }),
    );
    const search = async (body: unknown) => (await h.app.inject({ method: 'POST', url: '/v2/variables/search', payload: body as object })).json();
    const keys = async (body: unknown) => (await search(body)).items.map((item: { variableKey: string }) => item.variableKey);
    expect(await keys({ filter: { processInstanceKey: '2251799813685300' } })).toEqual(['51', '52']);
    expect(await keys({ filter: { name: 'orderId' } })).toEqual(['51', '53']);
    expect(await keys({ filter: { name: { $in: ['amount'] } } })).toEqual(['52']);
    expect(await keys({ filter: { value: '"B-2"' } })).toEqual(['53']);
    expect(await keys({ filter: { scopeKey: '70' } })).toEqual(['53']);
    expect(await keys({ sort: [{ field: 'name' }] })).toEqual(['52', '51', '53']);
    expect((await search({ filter: { name: 'amount' } })).items[0]).toEqual({
      variableKey: '52',
      name: 'amount',
      value: '12.5',
      isTruncated: false,
      scopeKey: '2251799813685300',
      processInstanceKey: '2251799813685300',
      rootProcessInstanceKey: '2251799813685300',
      tenantId: '<default>',
    });
  });

  it('answers a variable by key without isTruncated, 404 when unknown', async () => {
    const h = await harness();
    h.engine.records.variables.push(variable({ variableKey: '51' }));
    const response = await h.app.inject({ method: 'GET', url: '/v2/variables/51' });
    expect(response.json()).toMatchObject({ variableKey: '51', name: 'orderId', value: '"A-1"' });
    expect(response.json()).not.toHaveProperty('isTruncated');
    expect((await h.app.inject({ method: 'GET', url: '/v2/variables/59' })).statusCode).toBe(404);
  });
});
