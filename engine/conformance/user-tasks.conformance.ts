// Camunda user tasks (zeebe:userTask) with a linked form: REST search, get, form, assignment,
// completion; FORM_NOT_FOUND when the form is missing.
import { docs } from './support/docs.ts';
import { chain, endEvent, form, model, startEvent, userTask } from './support/bpmn.ts';
import { eventually, expectEventually } from './support/eventually.ts';
import { activeIncident, instanceReaches, rest, scopeVariables, userTasks } from './support/rest.ts';
import { closeClients, grpc } from './support/target.ts';
import { deploy, start } from './support/workflow.ts';
import { unique } from './support/names.ts';

afterAll(closeClients);

const deployForm = (formId: string) => grpc().deployResource({ form: Buffer.from(form(formId)), name: `${formId}.form` });
const approval = (processId: string, formId: string) => model(processId, [startEvent(), userTask('approve', { formId, candidateGroups: 'ops' }), endEvent(), ...chain('start', 'approve', 'end')]);

describe(`User tasks with a linked form (${docs.userTasks})`, () => {
  test('a user task is created with its form; it is searched, assigned and completed over REST, and its variables reach the process', async () => {
    const [processId, formId] = [unique('approval'), unique('approval-form')];
    await deployForm(formId);
    await deploy(processId, approval(processId, formId));
    const processInstanceKey = await start(processId, { orderId: 'u-1' });
    const found = await eventually(() => userTasks({ processInstanceKey }), (result) => result.items.length === 1, { what: 'the user task' });
    const task = found.items[0]!;
    expect(task.state).toBe('CREATED');
    expect(task.elementId).toBe('approve');
    expect(task.candidateGroups).toEqual(['ops']);
    expect(typeof task.userTaskKey).toBe('string');
    expect(task.formKey).toBeTruthy();

    const single = await rest<{ userTaskKey: string }>('GET', `/user-tasks/${task.userTaskKey}`);
    expect(single.status).toBe(200);
    expect(single.body.userTaskKey).toBe(task.userTaskKey);

    const linkedForm = await rest<{ formId?: string; bpmnId?: string; schema: unknown }>('GET', `/user-tasks/${task.userTaskKey}/form`);
    expect(linkedForm.status).toBe(200);
    expect(linkedForm.body.formId ?? linkedForm.body.bpmnId).toBe(formId);
    expect(JSON.stringify(linkedForm.body.schema)).toContain('Field_note');

    expect((await rest('POST', `/user-tasks/${task.userTaskKey}/assignment`, { assignee: 'demo' })).status).toBe(204);
    await eventually(() => userTasks({ userTaskKey: task.userTaskKey }), (result) => result.items[0]?.assignee === 'demo', { what: 'the assignee' });
    expect((await rest('DELETE', `/user-tasks/${task.userTaskKey}/assignee`)).status).toBe(204);
    await eventually(() => userTasks({ userTaskKey: task.userTaskKey }), (result) => !result.items[0]?.assignee, { what: 'no assignee' });

    expect((await rest('POST', `/user-tasks/${task.userTaskKey}/completion`, { variables: { approved: true } })).status).toBe(204);
    await instanceReaches(processInstanceKey, 'COMPLETED');
    await expectEventually(() => scopeVariables(processInstanceKey), (variables) => expect(variables).toMatchObject({ approved: true, orderId: 'u-1' }));
    await eventually(() => userTasks({ userTaskKey: task.userTaskKey }), (result) => result.items[0]?.state === 'COMPLETED', { what: 'the task completed' });

    const again = await rest<{ status: number }>('POST', `/user-tasks/${task.userTaskKey}/completion`, {});
    expect([404, 409]).toContain(again.status);
  });

  test('a linked form that is not deployed → FORM_NOT_FOUND incident; deploying the form and resolving creates the task', async () => {
    const [processId, formId] = [unique('approval-noform'), unique('missing-form')];
    await deploy(processId, approval(processId, formId));
    const processInstanceKey = await start(processId);
    const incident = await activeIncident(processInstanceKey);
    expect(incident.errorType).toBe('FORM_NOT_FOUND');
    expect(incident.elementId).toBe('approve');
    await deployForm(formId);
    await grpc().resolveIncident({ incidentKey: String(incident.incidentKey) });
    await eventually(() => userTasks({ processInstanceKey }), (result) => result.items[0]?.state === 'CREATED', { what: 'the user task after resolution' });
  });

  test('a user task without a form answers 204 on GET form; an unknown task is a 404 problem', async () => {
    const processId = unique('approval-plain');
    await deploy(processId, model(processId, [startEvent(), userTask('approve'), endEvent(), ...chain('start', 'approve', 'end')]));
    const processInstanceKey = await start(processId);
    const found = await eventually(() => userTasks({ processInstanceKey }), (result) => result.items.length === 1, { what: 'the user task' });
    expect((await rest('GET', `/user-tasks/${found.items[0]!.userTaskKey}/form`)).status).toBe(204);
    const missing = await rest('GET', '/user-tasks/2251799813685249999');
    expect(missing.status).toBe(404);
    expect(missing.contentType).toContain('application/problem+json');
  });
});
