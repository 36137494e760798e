// Compensation: a compensation throw event invokes the handlers of the activities that completed
// in its scope (not of active or terminated ones), and waits for them.
import { docs } from './support/docs.ts';
import { association, boundaryEvent, chain, compensateRef, endEvent, error, errorRef, flow, intermediateThrow, model, serviceTask, startEvent } from './support/bpmn.ts';
import { sleep } from './support/eventually.ts';
import { elementReaches, instanceReaches, processInstances } from './support/rest.ts';
import { closeClients } from './support/target.ts';
import { complete, deploy, jobsNow, start, takeJob, takeJobs, throwError } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

describe(`Compensation after a later failure (${docs.compensationEvents})`, () => {
  test('a BPMN error in B, caught and followed by a compensation end event, undoes A (completed) but not B (terminated)', async () => {
    const processId = unique('compensation');
    const [typeA, typeB, undoA, undoB] = [unique('a'), unique('b'), unique('undo-a'), unique('undo-b')];
    await deploy(
      processId,
      model(
        processId,
        [
          startEvent(),
          serviceTask('A', typeA),
          serviceTask('B', typeB),
          endEvent(),
          ...chain('start', 'A', 'B', 'end'),
          boundaryEvent('compA', 'A', compensateRef()),
          serviceTask('undoA', undoA, { forCompensation: true }),
          association('compA', 'undoA'),
          boundaryEvent('compB', 'B', compensateRef()),
          serviceTask('undoB', undoB, { forCompensation: true }),
          association('compB', 'undoB'),
          boundaryEvent('failed', 'B', errorRef('errFail')),
          endEvent('compensate', compensateRef()),
          flow('failed', 'compensate'),
        ],
        [error('errFail', 'FAIL')],
      ),
    );
    const processInstanceKey = await start(processId);
    await complete(await takeJob(typeA), { reserved: true });
    await throwError(await takeJob(typeB), 'FAIL');
    const undo = await takeJob(undoA);
    expect(undo.elementId).toBe('undoA');
    expect(undo.variables).toMatchObject({ reserved: true });
    expect(await jobsNow(undoB)).toEqual([]); // B never completed: nothing to undo
    await sleep(500);
    expect((await processInstances({ processInstanceKey })).items[0]?.state).toBe('ACTIVE'); // the throw event waits for its handlers
    await complete(undo);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'compensate', 'COMPLETED');
    expect(await jobsNow(undoB)).toEqual([]);
  });
});

describe(`Compensation of a multi-instance activity (${docs.compensationHandler})`, () => {
  test('the handler of a completed multi-instance activity runs once, not per element', async () => {
    const processId = unique('compensation-mi');
    const [type, undo] = [unique('each'), unique('undo')];
    await deploy(
      processId,
      model(processId, [
        startEvent(),
        serviceTask('each', type, { multiInstance: { inputCollection: '=items', inputElement: 'item' } }),
        intermediateThrow('compensateAll', compensateRef()),
        endEvent(),
        ...chain('start', 'each', 'compensateAll', 'end'),
        boundaryEvent('compEach', 'each', compensateRef()),
        serviceTask('undoEach', undo, { forCompensation: true }),
        association('compEach', 'undoEach'),
      ]),
    );
    const processInstanceKey = await start(processId, { items: [1, 2, 3] });
    for (const job of await takeJobs(type, 3)) await complete(job);
    await complete(await takeJob(undo));
    await instanceReaches(processInstanceKey, 'COMPLETED');
    expect(await jobsNow(undo)).toEqual([]);
  });
});
