// The small readers the checks rely on: FEEL variable references, generated-id detection, and the
// structural comparison of schemas.
import { idProblem, looksGenerated } from './checks/bpmn-naming.ts';
import { variablesRead } from './feel.ts';
import { ANY, type Shape } from './json-shape.ts';
import { compareShapes } from './shape-compare.ts';

describe('variablesRead (FEEL, conservatively)', () => {
  test.each([
    ['=every reservation in inventoryReservations satisfies reservation.reservationId != null', ['inventoryReservations']],
    ['=inventoryReservations[reservationId != null]', ['inventoryReservations']],
    ['={orderItemId: orderItemId, reservationId: reservationId}', ['orderItemId', 'reservationId']],
    ['={a: 1, b: a + x}', ['x']],
    ['=provisioningStatus = "SUCCEEDED"', ['provisioningStatus']],
    ['=string length(name) > 3 and date and time(t) < now()', ['name', 't']],
    ['=for i in items return i.x + y', ['items', 'y']],
    ['=submission.provisioningTaskId', ['submission']],
    ['=if x then y.z else "q"', ['x', 'y']],
    ['=[a, b]', ['a', 'b']],
    ['="FAILED"', []],
    ['=null', []],
    ['R/PT1M', []],
  ])('%s reads %j', (expression, names) => {
    expect(variablesRead(expression)).toEqual(names);
  });
});

describe('generated ids', () => {
  test.each(['Activity_0x1abcd', 'Flow_1k2l3m4', 'Gateway_0abcdef', 'Event_1ypq2rs', 'ServiceTask_Validate_k3j9x2p', 'Activity_0x1abcd_di', 'StartEvent_3f2a9c1e7b'])('%s looks generated', (id) => {
    expect(looksGenerated(id)).toBe(true);
  });
  test.each(['ServiceTask_ActivateBilling', 'Flow_ValidatedToReserve', 'order-fulfillment', 'Gateway_InventoryReserved', 'Definitions_OrderFulfillment'])('%s does not', (id) => {
    expect(looksGenerated(id)).toBe(false);
  });
  test('kinds follow the element type', () => {
    expect(idProblem({ id: 'Gateway_BillingAttempt', type: 'bpmn:ExclusiveGateway' })).toBeUndefined();
    expect(idProblem({ id: 'EventSubProcess_OrderCancellation', type: 'bpmn:SubProcess', triggeredByEvent: true })).toBeUndefined();
    expect(idProblem({ id: 'SubProcess_OrderCancellation', type: 'bpmn:SubProcess', triggeredByEvent: true })).toMatch(/EventSubProcess_<PascalCaseMeaning>/);
    expect(idProblem({ id: 'Shape_Flow_A', type: 'bpmndi:BPMNShape', bpmnElement: 'Flow_B' })).toMatch(/should be Shape_Flow_B/);
  });
});

describe('compareShapes', () => {
  const str = (values?: string[]): Shape => ({ types: new Set(['string']), values });
  const obj = (props: Record<string, Shape>, required: string[]): Shape => ({ types: new Set(['object']), properties: new Map(Object.entries(props)), required: new Set(required) });
  const sides = { code: 'code', document: 'doc' };

  test('a reader accepts more than the document allows: fine; less: a finding', () => {
    expect(compareShapes(str(), str(['A']), 'reads', sides)).toEqual([]);
    expect(compareShapes(str(['A']), str(['A', 'B']), 'reads', sides).map((i) => i.message)).toEqual(['doc allows "B" at (message), code accepts only "A"']);
  });

  test('a sender must stay within the document', () => {
    expect(compareShapes(str(['A']), str(['A', 'B']), 'sends', sides)).toEqual([]);
    expect(compareShapes(str(), str(['A']), 'sends', sides).map((i) => i.message)).toEqual(['code may send any string at (message), doc allows only "A"']);
  });

  test('fields: optional undocumented fields of a reader are marked, required ones are findings', () => {
    const issues = compareShapes(obj({ a: str(), b: str() }, ['a']), obj({ c: str() }, []), 'reads', sides);
    expect(issues.map((i) => [i.path, i.undocumentedOptional])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  test('serves: the document and the code describe the same fields and required-ness', () => {
    const issues = compareShapes(obj({ a: str(), b: ANY }, ['a']), obj({ a: str(), c: str() }, []), 'serves', sides);
    expect(issues.map((i) => i.message)).toEqual([
      'code requires a, doc marks it optional',
      'code accepts field b, doc has no such field',
      'doc documents c, code does not accept it (it would be dropped)',
    ]);
  });
});
