import { sweepScopeOf } from './sweep-scope.ts';

test('the production sweep takes the production fulfillment cases (and those recorded without a process id)', () => {
  expect(sweepScopeOf('reconciliation-sweep')).toEqual({ kind: 'production', fulfillmentProcessId: 'order-fulfillment' });
});

test('the sweep of a suffixed copy takes only the cases of the fulfillment copy with the same suffix', () => {
  expect(sweepScopeOf('reconciliation-sweep-t1a2b3c4d')).toEqual({ kind: 'copy', fulfillmentProcessId: 'order-fulfillment-t1a2b3c4d' });
  expect(sweepScopeOf('reconciliation-sweep-tb94ff81e')).not.toEqual(sweepScopeOf('reconciliation-sweep-t1a2b3c4d'));
});

test('a sweep job from a process it does not know is not given any scope', () => {
  expect(sweepScopeOf('reconciliation-sweep-')).toEqual({ kind: 'unknown', sweepProcessId: 'reconciliation-sweep-' });
  expect(sweepScopeOf('reconciliation-case')).toEqual({ kind: 'unknown', sweepProcessId: 'reconciliation-case' });
  expect(sweepScopeOf('other-sweep')).toEqual({ kind: 'unknown', sweepProcessId: 'other-sweep' });
});
