// Topology and the deployment RPCs: DeployResource (all or nothing; the engine refuses with a
// message naming the file and the element), the deprecated DeployProcess, DeleteResource.
import type { DeployedResource, DeploymentResult, Engine } from '../api.ts';
import { invalidArgument } from './status.ts';
import { optionalTenant, parseKey } from './wire.ts';

/** Where clients reach this gateway, for the one broker the topology reports. */
export interface AdvertisedAddress {
  readonly host: string;
  readonly port: number;
}

export function topology(engine: Engine, advertised: () => AdvertisedAddress) {
  return async () => {
    const info = engine.topology();
    const { host, port } = advertised();
    return {
      brokers: [{ nodeId: 0, host, port, version: info.gatewayVersion, partitions: [{ partitionId: 1, role: 'LEADER', health: 'HEALTHY' }] }],
      clusterSize: info.clusterSize,
      partitionsCount: info.partitionsCount,
      replicationFactor: info.replicationFactor,
      gatewayVersion: info.gatewayVersion,
    };
  };
}

interface WireResource {
  readonly name?: string;
  readonly content?: Buffer;
}

const toResources = (resources: readonly WireResource[] | undefined) => {
  if (!resources || resources.length === 0) throw invalidArgument('Expected to deploy at least one resource, but none given');
  return resources.map((resource, index) => {
    if (!resource.name || resource.name.trim() === '') throw invalidArgument(`Property 'resources[${index}].name' is invalid: expected a non-blank resource name`);
    return { name: resource.name, content: resource.content ?? Buffer.alloc(0) };
  });
};

const toWireDeployment = (resource: DeployedResource) =>
  resource.kind === 'process'
    ? { process: { bpmnProcessId: resource.bpmnProcessId, version: resource.version, processDefinitionKey: resource.processDefinitionKey, resourceName: resource.resourceName, tenantId: resource.tenantId } }
    : { form: { formId: resource.formId, version: resource.version, formKey: resource.formKey, resourceName: resource.resourceName, tenantId: resource.tenantId } };

export function deployResource(engine: Engine) {
  return async (request: { resources?: WireResource[]; tenantId?: string }) => {
    const result: DeploymentResult = await engine.deploy(toResources(request.resources), optionalTenant(request.tenantId));
    return { key: result.key, tenantId: result.tenantId, deployments: result.deployments.map(toWireDeployment) };
  };
}

/** The pre-8.0 RPC some clients still send: processes only. */
export function deployProcess(engine: Engine) {
  return async (request: { processes?: { name?: string; definition?: Buffer }[] }) => {
    const resources = toResources(request.processes?.map((process) => ({ name: process.name ?? '', content: process.definition ?? Buffer.alloc(0) })));
    const result = await engine.deploy(resources);
    const processes = result.deployments.flatMap((resource) =>
      resource.kind === 'process' ? [{ bpmnProcessId: resource.bpmnProcessId, version: resource.version, processDefinitionKey: resource.processDefinitionKey, resourceName: resource.resourceName, tenantId: resource.tenantId }] : [],
    );
    return { key: result.key, processes };
  };
}

export function deleteResource(engine: Engine) {
  return async (request: { resourceKey?: string }) => {
    await engine.deleteResource(parseKey('resourceKey', request.resourceKey));
    return {};
  };
}
