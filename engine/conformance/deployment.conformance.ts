// Deployment: all or nothing, refusals that name the file and the element, versions, identical
// redeploys, forms, DeleteResource.
import { docs } from './support/docs.ts';
import { chain, endEvent, exclusiveGateway, flow, form, model, serviceTask, startEvent } from './support/bpmn.ts';
import { closeClients, grpc } from './support/target.ts';
import { deploy, GrpcStatus, refusal, start } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

const simple = (processId: string, type = 'noop') => model(processId, [startEvent(), serviceTask('task', type), endEvent(), ...chain('start', 'task', 'end')]);

describe(`Deployment refusals: unsupported elements and bad expressions (${docs.bpmnCoverage})`, () => {
  test('an element the engine does not support is refused with INVALID_ARGUMENT naming the file and the element id', async () => {
    const processId = unique('deploy-unsupported');
    const xml = model(processId, [startEvent(), '<bpmn:complexGateway id="Gateway_Complex"/>', endEvent(), ...chain('start', 'Gateway_Complex', 'end')]);
    const refused = await refusal(grpc().deployResource({ process: Buffer.from(xml), name: `${processId}.bpmn` }));
    expect(refused.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(refused.message).toContain(`${processId}.bpmn`);
    expect(refused.message).toContain('Gateway_Complex');
  });

  test('an expression that does not parse is refused with INVALID_ARGUMENT naming the element', async () => {
    const processId = unique('deploy-bad-expression');
    const xml = model(processId, [startEvent(), exclusiveGateway('decide', 'toEnd'), endEvent(), endEvent('other'), ...chain('start', 'decide'), flow('decide', 'other', { id: 'Flow_Broken', condition: '=amount >' }), flow('decide', 'end', { id: 'toEnd' })]);
    const refused = await refusal(grpc().deployResource({ process: Buffer.from(xml), name: `${processId}.bpmn` }));
    expect(refused.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(refused.message).toContain(`${processId}.bpmn`);
    expect(refused.message).toContain('Flow_Broken');
  });

  test('a service task without a job type is refused', async () => {
    const processId = unique('deploy-no-type');
    const xml = model(processId, [startEvent(), '<bpmn:serviceTask id="Task_NoType"/>', endEvent(), ...chain('start', 'Task_NoType', 'end')]);
    const refused = await refusal(grpc().deployResource({ process: Buffer.from(xml), name: `${processId}.bpmn` }));
    expect(refused.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(refused.message).toContain('Task_NoType');
  });

  test('a deployment is all or nothing: one bad resource refuses the good one too', async () => {
    const good = unique('deploy-good');
    const bad = unique('deploy-bad');
    const refused = await refusal(
      grpc().deployResources([
        { process: Buffer.from(simple(good)), name: `${good}.bpmn` },
        { process: Buffer.from(model(bad, [startEvent(), '<bpmn:complexGateway id="Gateway_X"/>', endEvent(), ...chain('start', 'Gateway_X', 'end')])), name: `${bad}.bpmn` },
      ]),
    );
    expect(refused.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect((await refusal(start(good))).code).toBe(GrpcStatus.NOT_FOUND);
  });

  test('XML that is not BPMN is refused', async () => {
    const refused = await refusal(grpc().deployResource({ process: Buffer.from('<not-bpmn/>'), name: 'broken.bpmn' }));
    expect(refused.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(refused.message).toContain('broken.bpmn');
  });
});

describe(`Deployment versions (${docs.processes})`, () => {
  test('an identical redeploy returns the same version and key; a changed model is the next version', async () => {
    const processId = unique('deploy-versions');
    const first = await deploy(processId, simple(processId));
    const again = await deploy(processId, simple(processId));
    expect(again.version).toBe(first.version);
    expect(again.processDefinitionKey).toBe(first.processDefinitionKey);
    const changed = await deploy(processId, simple(processId, 'other-type'));
    expect(changed.version).toBe(first.version + 1);
    expect(BigInt(changed.processDefinitionKey)).toBeGreaterThan(BigInt(first.processDefinitionKey));
    // the latest version is what a new instance by id runs
    const created = await grpc().createProcessInstance({ bpmnProcessId: processId, variables: {} });
    expect(String(created.processDefinitionKey)).toBe(changed.processDefinitionKey);
    expect(created.version).toBe(changed.version);
    // an older version can still be started explicitly
    const old = await grpc().createProcessInstance({ bpmnProcessId: processId, version: first.version, variables: {} });
    expect(String(old.processDefinitionKey)).toBe(first.processDefinitionKey);
  });

  test('a form deploys beside a process and answers its formId, version and key', async () => {
    const formId = unique('form');
    const deployed = await grpc().deployResource({ form: Buffer.from(form(formId)), name: `${formId}.form` });
    const record = deployed.deployments[0]?.form;
    expect(record?.formId).toBe(formId);
    expect(record?.version).toBe(1);
    expect(String(record?.formKey)).toMatch(/^\d+$/);
  });
});

describe(`DeleteResource (${docs.grpcApi})`, () => {
  test('a deleted process definition starts no new instance; deleting it again is NOT_FOUND', async () => {
    const processId = unique('deploy-delete');
    const { processDefinitionKey } = await deploy(processId, simple(processId));
    await grpc().deleteResource({ resourceKey: processDefinitionKey });
    expect((await refusal(start(processId))).code).toBe(GrpcStatus.NOT_FOUND);
    expect((await refusal(grpc().deleteResource({ resourceKey: processDefinitionKey }))).code).toBe(GrpcStatus.NOT_FOUND);
  });
});
