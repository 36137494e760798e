import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_JOB_RETRIES, declaredRetries } from './declared-retries.ts';

const model = readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'bpmn', 'order-fulfillment.bpmn'), 'utf8');
const task = (attrs: string) => `<bpmn:process id="p"><bpmn:serviceTask id="Task_A" name="A"><bpmn:extensionElements><zeebe:taskDefinition type="a.v1"${attrs} /></bpmn:extensionElements></bpmn:serviceTask><bpmn:serviceTask id="Task_B"><bpmn:extensionElements><zeebe:taskDefinition type="b.v1" retries="7" /></bpmn:extensionElements></bpmn:serviceTask></bpmn:process>`;

test('reads the retries the fulfillment model declares for its tasks, also inside subprocesses', () => {
  expect(declaredRetries(model, 'ServiceTask_ActivateBilling')).toBe(3);
  expect(declaredRetries(model, 'ServiceTask_SubmitProvisioning')).toBe(3);
});

test('each task has its own: the definition of a later task is never taken for an earlier one', () => {
  expect(declaredRetries(task(' retries="5"'), 'Task_A')).toBe(5);
  expect(declaredRetries(task(' retries="5"'), 'Task_B')).toBe(7);
});

test('no retries named: the engine default; an expression, no task definition or an unknown element: unknown', () => {
  expect(declaredRetries(task(''), 'Task_A')).toBe(DEFAULT_JOB_RETRIES);
  expect(declaredRetries(task(' retries="=taskRetries"'), 'Task_A')).toBeUndefined();
  expect(declaredRetries(model, 'Gateway_BillingAttempt')).toBeUndefined();
  expect(declaredRetries(model, 'ServiceTask_DoesNotExist')).toBeUndefined();
});
