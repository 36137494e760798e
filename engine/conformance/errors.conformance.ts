// BPMN errors: thrown by a job worker (ThrowError) or an error end event, caught by the nearest
// matching catch up the scopes; unhandled ones raise an incident.
import { docs } from './support/docs.ts';
import { boundaryEvent, chain, endEvent, error, errorRef, eventStart, flow, model, serviceTask, startEvent, subProcess } from './support/bpmn.ts';
import { activeIncident, elementReaches, instanceReaches } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { deploy, GrpcStatus, refusal, start, takeJob, throwError } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

/**
 * start → sub[ subStart → task → subEnd ] → end
 * task: boundary catching B → endB
 * sub: boundary catching A → endA, catch-all boundary → endAny
 */
function nestedCatches(processId: string, type: string): string {
  return model(
    processId,
    [
      startEvent(),
      subProcess('sub', [startEvent('subStart'), serviceTask('task', type), endEvent('subEnd'), ...chain('subStart', 'task', 'subEnd')]),
      endEvent(),
      boundaryEvent('catchB', 'task', errorRef('errB')),
      boundaryEvent('catchA', 'sub', errorRef('errA')),
      boundaryEvent('catchAny', 'sub', errorRef()),
      endEvent('endB'),
      endEvent('endA'),
      endEvent('endAny'),
      ...chain('start', 'sub', 'end'),
      flow('catchB', 'endB'),
      flow('catchA', 'endA'),
      flow('catchAny', 'endAny'),
    ],
    [error('errA', 'A'), error('errB', 'B')],
  );
}

describe(`Error events: caught by the nearest matching catch up the scopes (${docs.errorEvents})`, () => {
  const processId = unique('errors-nested');
  const type = unique('type');
  beforeAll(() => deploy(processId, nestedCatches(processId, type)));

  const throwFrom = async (errorCode: string, variables: Record<string, unknown> = {}) => {
    const processInstanceKey = await start(processId);
    const job = await takeJob(type);
    await throwError(job, errorCode, variables);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    return { processInstanceKey, job };
  };

  test('a code matched on the task itself is caught there', async () => {
    const { processInstanceKey } = await throwFrom('B');
    await elementReaches(processInstanceKey, 'endB', 'COMPLETED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
  });

  test('a code matched only on the enclosing subprocess is caught there; the specific code wins over the catch-all', async () => {
    const { processInstanceKey } = await throwFrom('A');
    await elementReaches(processInstanceKey, 'endA', 'COMPLETED');
    await elementReaches(processInstanceKey, 'sub', 'TERMINATED');
  });

  test('any other code is caught by the catch-all (no errorCode)', async () => {
    const { processInstanceKey } = await throwFrom('SOMETHING_ELSE');
    await elementReaches(processInstanceKey, 'endAny', 'COMPLETED');
  });

  test('the job of a caught error is gone: completing it gets NOT_FOUND', async () => {
    const { job } = await throwFrom('B');
    expect((await refusal(grpc().completeJob({ jobKey: job.key, variables: {} }))).code).toBe(GrpcStatus.NOT_FOUND);
  });
});

describe(`Error events: unhandled errors raise an incident (${docs.errorEvents})`, () => {
  test('an error no catch matches → UNHANDLED_ERROR_EVENT incident', async () => {
    const processId = unique('errors-unhandled');
    const type = unique('type');
    await deploy(processId, model(processId, [startEvent(), serviceTask('task', type), endEvent(), boundaryEvent('catchX', 'task', errorRef('errX')), endEvent('endX'), ...chain('start', 'task', 'end'), flow('catchX', 'endX')], [error('errX', 'X')]));
    const processInstanceKey = await start(processId);
    const job = await takeJob(type);
    await throwError(job, 'NOT_MODELLED');
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(incident.elementId).toBe('task');
  });
});

describe(`Error events: error end events and error event subprocesses (${docs.errorEvents})`, () => {
  test('an error end event inside a subprocess is caught by the subprocess boundary', async () => {
    const processId = unique('errors-end-event');
    await deploy(
      processId,
      model(
        processId,
        [startEvent(), subProcess('sub', [startEvent('subStart'), endEvent('throwEnd', errorRef('errE')), ...chain('subStart', 'throwEnd')]), endEvent(), boundaryEvent('catchE', 'sub', errorRef('errE')), endEvent('endE'), ...chain('start', 'sub', 'end'), flow('catchE', 'endE')],
        [error('errE', 'E')],
      ),
    );
    const processInstanceKey = await start(processId);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'endE', 'COMPLETED');
  });

  test('an error event subprocess of the process catches a task\'s error, and sees the error variables', async () => {
    const processId = unique('errors-event-sub');
    const type = unique('type');
    const handlerType = unique('handler');
    await deploy(
      processId,
      model(
        processId,
        [
          startEvent(),
          serviceTask('task', type),
          endEvent(),
          ...chain('start', 'task', 'end'),
          subProcess('onError', [eventStart('errorStart', errorRef('errF')), serviceTask('handle', handlerType), endEvent('handled'), ...chain('errorStart', 'handle', 'handled')], { triggeredByEvent: true }),
        ],
        [error('errF', 'F')],
      ),
    );
    const processInstanceKey = await start(processId);
    const job = await takeJob(type);
    await throwError(job, 'F', { reason: 'out of stock' });
    const handler = await takeJob(handlerType);
    expect(handler.variables).toMatchObject({ reason: 'out of stock' });
    await grpc().completeJob({ jobKey: handler.key, variables: {} });
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await elementReaches(processInstanceKey, 'task', 'TERMINATED');
  });
});
