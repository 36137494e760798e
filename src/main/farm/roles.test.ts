import { workers } from '../../../workers/index.ts';
import { resolveServed, workersOfRole } from './roles.ts';

const types = (ws: readonly { type: string }[]) => ws.map((w) => w.type);

test('fulfillment and reconciliation split the registry: every job type has exactly one of the two roles', () => {
  const fulfillment = types(workersOfRole('fulfillment', workers));
  const reconciliation = types(workersOfRole('reconciliation', workers));
  expect(fulfillment).toEqual(expect.arrayContaining(['crm.validate-customer-account.v1', 'billing.activate-subscription.v1', 'order.record-status.v1']));
  expect(reconciliation).toEqual(expect.arrayContaining(['reconciliation.check-external-state.v1', 'reconciliation.sweep-open-cases.v1']));
  expect(fulfillment.filter((t) => reconciliation.includes(t))).toEqual([]);
  expect([...fulfillment, ...reconciliation].sort()).toEqual(types(workers).sort());
});

test('the events role serves no job type and always runs the event side', () => {
  expect(resolveServed({ role: 'events' }, workers)).toEqual({ kind: 'ok', workers: [], events: 'always' });
});

test('no flag serves every job type; --only serves the named ones', () => {
  expect(resolveServed({}, workers)).toMatchObject({ kind: 'ok', events: 'as-configured', workers });
  const only = resolveServed({ only: ['inventory.reserve-resource.v1', 'inventory.release-resource.v1'] }, workers);
  expect(only.kind === 'ok' && types(only.workers)).toEqual(['inventory.reserve-resource.v1', 'inventory.release-resource.v1']);
});

test.each([
  [{ role: 'billing' }, /unknown role billing; known: all, fulfillment, reconciliation, events/],
  [{ only: ['crm.validate-customer-account.v1', 'crm.delete-account.v9'] }, /unknown job type\(s\) crm\.delete-account\.v9/],
  [{ role: 'fulfillment', only: ['order.record-status.v1'] }, /either --role or --only/],
])('refuses %j and says why', (req, message) => {
  const r = resolveServed(req, workers);
  expect(r.kind).toBe('invalid');
  expect(r.kind === 'invalid' && r.message).toMatch(message);
});
