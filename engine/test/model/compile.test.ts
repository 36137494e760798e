import { compileBpmn } from '../../src/model/compile.ts';
import { bpmnResource, chain, pinnedEngine, serviceTask } from '../engine/harness.ts';

describe('deployment', () => {
  it('refuses an unsupported element, naming the file and the element', async () => {
    const engine = await pinnedEngine();
    const resource = bpmnResource('bad', chain('bad', ['<bpmn:complexGateway id="Gateway_Complex" />']));
    await expect(engine.deploy([resource])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: "Expected to deploy new resources, but encountered the following errors:\n'bad.bpmn': - Element: Gateway_Complex\n    - ERROR: Elements of type 'ComplexGateway' are currently not supported",
    });
    await engine.close();
  });

  it('is all or nothing: a bad resource leaves the good one undeployed', async () => {
    const engine = await pinnedEngine();
    const good = bpmnResource('good', chain('good', [serviceTask('task', 'work')]));
    const bad = bpmnResource('bad', chain('bad', ['<bpmn:serviceTask id="NoType" />']));
    await expect(engine.deploy([good, bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect([...engine.queries.processDefinitions()]).toHaveLength(0);
    await engine.close();
  });

  it('a changed resource is a new version; an identical one returns the latest version and key', async () => {
    const engine = await pinnedEngine();
    const v1 = await engine.deploy([bpmnResource('p', chain('p', [serviceTask('task', 'a')]))]);
    const v2 = await engine.deploy([bpmnResource('p', chain('p', [serviceTask('task', 'b')]))]);
    const again = await engine.deploy([bpmnResource('p', chain('p', [serviceTask('task', 'b')]))]);
    expect(v1.deployments[0]).toMatchObject({ version: 1 });
    expect(v2.deployments[0]).toMatchObject({ version: 2 });
    expect(again.deployments[0]).toEqual(v2.deployments[0]);
    await engine.close();
  });

  it('an expression that does not parse is refused, naming the element', async () => {
    const engine = await pinnedEngine();
    const resource = bpmnResource('badexpr', chain('badexpr', [serviceTask('task', 'work', '<zeebe:ioMapping><zeebe:input source="=a +" target="b" /></zeebe:ioMapping>')]));
    await expect(engine.deploy([resource])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("- Element: task\n    - ERROR: failed to parse expression 'a +'") });
    await engine.close();
  });

  it('a form without an id is refused', async () => {
    const engine = await pinnedEngine();
    await expect(engine.deploy([{ name: 'x.form', content: Buffer.from('{"components":[]}') }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.close();
  });

  it('compiles the REST type names, boundaries and compensation handlers of the project model', async () => {
    const { readFileSync } = await import('node:fs');
    const result = await compileBpmn(readFileSync(new URL('../../../bpmn/order-fulfillment.bpmn', import.meta.url), 'utf8'));
    if (!result.ok) throw new Error(JSON.stringify(result.refusals));
    const [model] = result.processes;
    expect(model!.elements.SubProcess_ReserveInventory).toMatchObject({ type: 'SUB_PROCESS', compensationHandlerId: 'ServiceTask_ReleaseInventory' });
    expect(model!.elements.EventSubProcess_OrderCancellation?.type).toBe('EVENT_SUB_PROCESS');
    expect(model!.elements.ReceiveTask_AwaitProvisioningResult?.boundaryIds).toEqual(['BoundaryEvent_ProvisioningPollDue', 'BoundaryEvent_ProvisioningSlaBreached']);
    expect(model!.messageStartIds).toEqual(['StartEvent_OrderAccepted']);
  });
});
