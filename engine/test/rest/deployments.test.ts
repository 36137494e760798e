import { EngineError } from '../../src/api.ts';
import type { DeployResource } from '../../src/api.ts';
import { harness } from './fixtures.ts';

async function multipart(form: FormData): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}

describe('POST /v2/deployments', () => {
  it('deploys the files of the `resources` parts with the tenant and answers the 8.9 shape', async () => {
    const h = await harness();
    const form = new FormData();
    form.append('resources', new Blob(['<definitions/>']), 'order.bpmn');
    form.append('resources', new Blob(['{"id":"form-1"}']), 'fallout.form');
    form.append('tenantId', 'tenant-a');
    const response = await h.app.inject({ method: 'POST', url: '/v2/deployments', ...(await multipart(form)) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.tenantId).toBe('tenant-a');
    expect(typeof body.deploymentKey).toBe('string');
    expect(body.deployments[0]).toMatchObject({
      processDefinition: { processDefinitionId: 'process-1', processDefinitionVersion: 1, resourceName: 'order.bpmn', tenantId: 'tenant-a' },
      form: null,
      decisionDefinition: null,
      decisionRequirements: null,
      resource: null,
    });
    expect(body.deployments[1]).toMatchObject({ processDefinition: null, form: { formId: 'form-1', version: 1, resourceName: 'fallout.form' } });
    const [resources, tenantId] = h.engine.calls[0]?.args as [DeployResource[], string];
    expect(resources.map((resource) => [resource.name, resource.content.toString()])).toEqual([
      ['order.bpmn', '<definitions/>'],
      ['fallout.form', '{"id":"form-1"}'],
    ]);
    expect(tenantId).toBe('tenant-a');
  });

  it('refuses a form without files, a JSON body and a broken multipart body with 400', async () => {
    const h = await harness();
    const noFiles = new FormData();
    noFiles.append('tenantId', 'x');
    const empty = await h.app.inject({ method: 'POST', url: '/v2/deployments', ...(await multipart(noFiles)) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toContain('resources');
    const json = await h.app.inject({ method: 'POST', url: '/v2/deployments', payload: { resources: [] } });
    expect(json.statusCode).toBe(400);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/v2/deployments',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: 'not a multipart body',
    });
    expect(broken.statusCode).toBe(400);
    expect(h.engine.calls).toEqual([]);
  });

  it('answers the engine’s deployment refusal as a 400 with its message', async () => {
    const h = await harness();
    const message = "Expected to deploy new resources, but encountered the following errors:\n'order.bpmn': - Element: Task_X - ERROR: unsupported";
    h.engine.failNext('deploy', new EngineError('INVALID_ARGUMENT', message));
    const form = new FormData();
    form.append('resources', new Blob(['<definitions/>']), 'order.bpmn');
    const response = await h.app.inject({ method: 'POST', url: '/v2/deployments', ...(await multipart(form)) });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toBe(message);
  });

  it('deletes a resource by key; an unknown key is 404', async () => {
    const h = await harness();
    const response = await h.app.inject({ method: 'POST', url: '/v2/resources/2251799813685249/deletion', payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ resourceKey: '2251799813685249', batchOperation: null });
    expect(h.engine.calls).toEqual([{ method: 'deleteResource', args: ['2251799813685249'] }]);
    h.engine.failNext('deleteResource', new EngineError('NOT_FOUND', 'no resource 1'));
    expect((await h.app.inject({ method: 'POST', url: '/v2/resources/1/deletion' })).statusCode).toBe(404);
  });
});
