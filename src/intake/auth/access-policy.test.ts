// Who may call which intake route: orders for the intake client (reads for all three roles),
// operator reads for operators and viewers, every other operator action for operators only; and a
// route the policy does not know is closed, not open.
import { accessFor } from './access-policy.ts';

test.each([
  ['POST', '/orders', ['intake']],
  ['GET', '/orders/:orderId', ['intake', 'operator', 'viewer']],
  ['GET', '/operator/cases', ['operator', 'viewer']],
  ['GET', '/operator/cases/:caseId', ['operator', 'viewer']],
  ['HEAD', '/operator/cases', ['operator', 'viewer']],
  ['POST', '/operator/cases/:caseId/decision', ['operator']],
  ['DELETE', '/operator/cases/:caseId', ['operator']],
  ['POST', '/ops/retry-incidents', ['operator']],
  ['PUT', '/orders/:orderId', ['operator']],
])('%s %s needs one of %j', (method, route, anyOf) => {
  expect(accessFor(method, route)).toEqual({ kind: 'roles', anyOf });
});

test.each([
  ['POST', '/callbacks/provisioning'],
  ['GET', '/metrics'],
  ['GET', '/health/live'],
  ['GET', '/health/ready'],
  ['GET', undefined],
])('%s %s is open (provider signatures, probes, the 404 problem)', (method, route) => {
  expect(accessFor(method, route)).toEqual({ kind: 'open' });
});
