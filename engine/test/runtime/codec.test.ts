import { compileBpmn } from '../../src/model/compile.ts';
import type { ActivatedJob } from '../../src/api.ts';
import type { Command } from '../../src/runtime/commands.ts';
import { Runtime } from '../../src/runtime/runtime.ts';
import type { RuntimeState } from '../../src/runtime/state.ts';
import { bpmnResource, chain, serviceTask, T0 } from '../engine/harness.ts';

async function deployCommand(): Promise<Command> {
  const { name, content } = bpmnResource('two', chain('two', [serviceTask('a', 'a'), serviceTask('b', 'b')]));
  const xml = content.toString('utf8');
  const compiled = await compileBpmn(xml);
  if (!compiled.ok) throw new Error('model did not compile');
  return { type: 'deploy', tenantId: '<default>', resources: [{ kind: 'bpmn', name, xml, processes: compiled.processes }] };
}

/** what the journal does with a snapshot: JSON text on disk, parsed again at recovery */
const throughDisk = (runtime: Runtime): { restored: Runtime; json: string } => {
  const json = JSON.stringify(runtime.snapshot());
  return { restored: Runtime.restore(JSON.parse(json)), json };
};

function expectSharedReferences(state: RuntimeState): void {
  for (const elementInstance of state.elementInstances.values()) {
    const instance = state.instances.get(elementInstance.processInstanceKey)!;
    if (elementInstance.kind === 'process') expect(elementInstance.vars).toBe(instance.rootVars);
    else expect(instance.elementRecords.includes(elementInstance.record)).toBe(true);
  }
}

describe('snapshot codec', () => {
  it('an encoded and decoded state equals the original, sharing what the original shares', async () => {
    const runtime = new Runtime();
    runtime.apply(await deployCommand(), T0);
    const userData = { $map: [['not', 'a map']], $set: 1, $obj: { nested: { $map: 'x' } }, list: [1, null, { a: 'b' }] };
    for (let index = 0; index < 5; index += 1) {
      runtime.apply({ type: 'create-instance', request: { bpmnProcessId: 'two', variables: { index, userData } } }, T0 + index);
    }
    const jobs = runtime.apply({ type: 'activate-jobs', request: { type: 'a', worker: 'w', timeout: 60_000, maxJobsToActivate: 2, fetchVariable: [] } }, T0 + 10) as ActivatedJob[];
    runtime.apply({ type: 'complete-job', jobKey: jobs[0]!.key, variables: { done: true } }, T0 + 11);
    runtime.drainEffects();

    const { restored } = throughDisk(runtime);
    expect(restored.state).toEqual(runtime.state);
    expectSharedReferences(restored.state);
    const variables = [...restored.state.instances.values()][0]!.rootVars;
    expect(variables.get('userData')!.value).toEqual(userData);

    // the read side sees changes made after the restore (the element record is the live one)
    const [job] = restored.apply({ type: 'activate-jobs', request: { type: 'b', worker: 'w', timeout: 60_000, maxJobsToActivate: 1, fetchVariable: [] } }, T0 + 20) as ActivatedJob[];
    restored.apply({ type: 'complete-job', jobKey: job!.key, variables: { late: 1 } }, T0 + 21);
    const instance = restored.state.instances.get(job!.processInstanceKey)!;
    expect(instance.record.state).toBe('COMPLETED');
    expect(instance.elementRecords.find((record) => record.elementId === 'b')!.state).toBe('COMPLETED');
    expect(instance.rootVars.get('late')!.value).toBe(1);
  });

  it('restores 10,000 active instances (time printed, not asserted)', async () => {
    const runtime = new Runtime();
    runtime.apply(await deployCommand(), T0);
    for (let index = 0; index < 10_000; index += 1) {
      runtime.apply({ type: 'create-instance', request: { bpmnProcessId: 'two', variables: { orderId: `order-${index}`, amount: index } } }, T0);
    }
    runtime.drainEffects();
    let started = performance.now();
    const encoded = runtime.snapshot();
    const encodeMs = performance.now() - started;
    const json = JSON.stringify(encoded);
    started = performance.now();
    const restored = Runtime.restore(JSON.parse(json));
    const restoreMs = performance.now() - started;
    console.log(`snapshot of 10,000 active instances: ${(json.length / 1_048_576).toFixed(1)} MB, encode ${encodeMs.toFixed(0)} ms, parse+decode ${restoreMs.toFixed(0)} ms`);
    expect(restored.state.instances.size).toBe(10_000);
    expectSharedReferences(restored.state);
  });
});
