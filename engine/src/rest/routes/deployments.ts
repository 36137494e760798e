// POST /v2/deployments: multipart/form-data with one or more `resources` files and an optional
// `tenantId`. The body is parsed with the platform's own FormData (Request.formData), no extra dep.
// POST /v2/resources/{key}/deletion deletes a process definition or form (DeleteResource).
import type { FastifyInstance } from 'fastify';
import type { DeleteResourceResponse, DeploymentResult as DeploymentResponse } from '@camunda8/orchestration-cluster-api';
import { EngineError } from '../../api.ts';
import type { DeployResource, DeploymentResult, Engine } from '../../api.ts';
import { asKey } from '../records.ts';
import { parseKey } from '../validation.ts';

export function registerDeploymentRoutes(app: FastifyInstance, engine: Engine): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/deployments', async (request): Promise<DeploymentResponse> => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data') || !Buffer.isBuffer(request.body)) {
      throw new EngineError('INVALID_ARGUMENT', 'Expected a multipart/form-data body with one or more `resources` files');
    }
    const { resources, tenantId } = await readDeploymentForm(contentType, request.body);
    const result = await engine.deploy(resources, tenantId);
    return toDeploymentResponse(result);
  });

  app.post('/resources/:resourceKey/deletion', async (request): Promise<DeleteResourceResponse> => {
    const key = parseKey((request.params as { resourceKey: string }).resourceKey, 'resourceKey');
    await engine.deleteResource(key);
    return { resourceKey: asKey(key), batchOperation: null };
  });
}

async function readDeploymentForm(contentType: string, body: Buffer): Promise<{ resources: DeployResource[]; tenantId: string | undefined }> {
  let form: FormData;
  try {
    form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  } catch (error) {
    throw new EngineError('INVALID_ARGUMENT', `Invalid multipart body: ${error instanceof Error ? error.message : String(error)}`);
  }
  const resources: DeployResource[] = [];
  for (const entry of form.getAll('resources')) {
    if (typeof entry === 'string') throw new EngineError('INVALID_ARGUMENT', 'Invalid resources: each part must be a file with a filename');
    resources.push({ name: entry.name, content: Buffer.from(await entry.arrayBuffer()) });
  }
  if (resources.length === 0) throw new EngineError('INVALID_ARGUMENT', 'Invalid resources: expected at least one file in the `resources` part');
  const tenant = form.get('tenantId');
  return { resources, tenantId: typeof tenant === 'string' && tenant !== '' ? tenant : undefined };
}

function toDeploymentResponse(result: DeploymentResult): DeploymentResponse {
  return {
    deploymentKey: asKey(result.key),
    tenantId: asKey(result.tenantId),
    deployments: result.deployments.map((deployed) => ({
      processDefinition:
        deployed.kind === 'process'
          ? {
              processDefinitionId: asKey(deployed.bpmnProcessId),
              processDefinitionVersion: deployed.version,
              processDefinitionKey: asKey(deployed.processDefinitionKey),
              resourceName: deployed.resourceName,
              tenantId: asKey(deployed.tenantId),
            }
          : null,
      form:
        deployed.kind === 'form'
          ? {
              formId: asKey(deployed.formId),
              version: deployed.version,
              formKey: asKey(deployed.formKey),
              resourceName: deployed.resourceName,
              tenantId: asKey(deployed.tenantId),
            }
          : null,
      decisionDefinition: null,
      decisionRequirements: null,
      resource: null,
    })),
  };
}
