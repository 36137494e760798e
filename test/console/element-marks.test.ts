// What the order page's diagram marks: completed, active and incident elements, and the counts of
// elements that ran more than once (a multi-instance activity's inner instances, not its body).
import { marksOf, type ElementInstance } from '../../console/web/element-marks.ts';

const run = (elementId: string, state: ElementInstance['state'], type = 'SERVICE_TASK', hasIncident = false): ElementInstance => ({ elementId, type, state, hasIncident });

test('completed, active and incident elements; a multi-instance activity counted by its inner instances', () => {
  const marks = marksOf(
    [
      run('order-fulfillment', 'ACTIVE', 'PROCESS'),
      run('start', 'COMPLETED', 'START_EVENT'),
      run('ReserveInventory', 'COMPLETED', 'MULTI_INSTANCE_BODY'),
      run('ReserveInventory', 'COMPLETED'),
      run('ReserveInventory', 'COMPLETED'),
      run('ReserveInventory', 'COMPLETED'),
      run('Activate', 'ACTIVE', 'MULTI_INSTANCE_BODY'),
      run('Activate', 'COMPLETED'),
      run('Activate', 'ACTIVE'),
      run('Notify', 'ACTIVE', 'SERVICE_TASK', true),
    ],
    [],
  );
  expect(marks.completed.sort()).toEqual(['ReserveInventory', 'start']);
  expect(marks.active).toEqual(['Activate']);
  expect(marks.incident).toEqual(['Notify']);
  expect(Object.fromEntries(marks.counts)).toEqual({ ReserveInventory: { total: 3, completed: 3, active: 0 }, Activate: { total: 2, completed: 1, active: 1 } });
});

test("an open incident's element is marked as incident, not active; a terminated element is neither", () => {
  const marks = marksOf([run('Bill', 'ACTIVE'), run('Cancelled', 'TERMINATED')], ['Bill']);
  expect(marks).toMatchObject({ active: [], completed: [], incident: ['Bill'] });
});
