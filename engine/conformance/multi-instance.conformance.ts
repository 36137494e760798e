// Multi-instance activities: one inner instance per element of inputCollection, outputs collected
// by index, an empty collection, completionCondition, sequential order.
import { docs } from './support/docs.ts';
import { chain, endEvent, model, serviceTask, startEvent } from './support/bpmn.ts';
import { eventually, expectEventually } from './support/eventually.ts';
import { activeIncident, elementInstances, instanceReaches, scopeVariables } from './support/rest.ts';
import { closeClients } from './support/target.ts';
import { complete, deployAndStart, GrpcStatus, jobsNow, parse, refusal, takeJob, takeJobs } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

const collecting = (processId: string, type: string, extra: { sequential?: boolean; completionCondition?: string } = {}) =>
  model(processId, [
    startEvent(),
    serviceTask('each', type, { multiInstance: { inputCollection: '=items', inputElement: 'item', outputCollection: 'results', outputElement: '=result', ...extra } }),
    endEvent(),
    ...chain('start', 'each', 'end'),
  ]);

describe(`Multi-instance: parallel, outputs by index (${docs.multiInstance})`, () => {
  test('each inner instance gets its element; outputCollection is filled by index whatever the completion order', async () => {
    const processId = unique('mi-parallel');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, collecting(processId, type), { items: ['a', 'b', 'c'] });
    const jobs = await takeJobs(type, 3);
    expect(jobs.map((job) => parse(job)['item']).sort()).toEqual(['a', 'b', 'c']);
    expect(jobs.map((job) => parse(job)['loopCounter']).sort()).toEqual([1, 2, 3]);
    for (const job of [...jobs].reverse()) await complete(job, { result: `done-${String(parse(job)['item'])}` });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(
      () => scopeVariables(processInstanceKey),
      (variables) => {
        expect(variables['results']).toEqual(['done-a', 'done-b', 'done-c']);
        expect(variables).not.toHaveProperty('result'); // the output element stays in the inner instances
        expect(variables).not.toHaveProperty('item');
      },
    );
  });

  test('an empty input collection completes the activity at once with an empty output collection', async () => {
    const processId = unique('mi-empty');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, collecting(processId, type), { items: [] });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables['results']).toEqual([]));
    expect(await jobsNow(type)).toEqual([]);
  });

  test('a failing inputCollection (not a list) raises an incident', async () => {
    const processId = unique('mi-not-a-list');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, collecting(processId, type), { items: 'not a list' });
    const incident = await activeIncident(processInstanceKey);
    expect(['EXTRACT_VALUE_ERROR', 'IO_MAPPING_ERROR']).toContain(incident.errorType);
  });
});

describe(`Multi-instance: completionCondition (${docs.multiInstance})`, () => {
  test('the body completes once the condition holds; the remaining inner instances are terminated', async () => {
    const processId = unique('mi-condition');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, collecting(processId, type, { completionCondition: '= numberOfCompletedInstances >= 2' }), { items: [1, 2, 3] });
    const jobs = await takeJobs(type, 3);
    await complete(jobs[0]!, { result: 'x' });
    await complete(jobs[1]!, { result: 'y' });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    expect((await refusal(complete(jobs[2]!, { result: 'z' }))).code).toBe(GrpcStatus.NOT_FOUND);
    const inner = await eventually(
      () => elementInstances({ processInstanceKey, elementId: 'each', type: 'SERVICE_TASK' }),
      (found) => found.items.length === 3 && found.items.every((item) => item.state !== 'ACTIVE'),
      { what: 'inner instances ended' },
    );
    expect(inner.items.filter((item) => item.state === 'TERMINATED')).toHaveLength(1);
  });
});

describe(`Multi-instance: sequential (${docs.multiInstance})`, () => {
  test('one inner instance at a time, in collection order', async () => {
    const processId = unique('mi-sequential');
    const type = unique('type');
    const processInstanceKey = await deployAndStart(processId, collecting(processId, type, { sequential: true }), { items: [10, 20, 30] });
    const seen: unknown[] = [];
    for (let index = 0; index < 3; index++) {
      const job = await takeJob(type);
      expect(await jobsNow(type)).toEqual([]); // never two at once
      seen.push(parse(job)['item']);
      await complete(job, { result: Number(parse(job)['item']) + 1 });
    }
    expect(seen).toEqual([10, 20, 30]);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables['results']).toEqual([11, 21, 31]));
  });
});
