// The console's engine proxy passes only listed calls: viewers read and search, operators also act
// on user tasks and incidents; deployments, cancellations, messages, job commands and odd paths never pass.
import { accessFor } from '../auth/access-policy.ts';
import { engineCallAccess } from './engine-allow-list.ts';

test.each([
  ['POST', '/incidents/search', ['operator', 'viewer']],
  ['POST', '/user-tasks/search', ['operator', 'viewer']],
  ['POST', '/element-instances/search', ['operator', 'viewer']],
  ['POST', '/process-instances/2251799813685249/incidents/search', ['operator', 'viewer']],
  ['GET', '/process-definitions/2251799813685249/xml', ['operator', 'viewer']],
  ['GET', '/user-tasks/2251799813685249/form', ['operator', 'viewer']],
  ['POST', '/user-tasks/2251799813685249/assignment', ['operator']],
  ['DELETE', '/user-tasks/2251799813685249/assignee', ['operator']],
  ['POST', '/user-tasks/2251799813685249/completion', ['operator']],
  ['POST', '/incidents/2251799813685249/resolution', ['operator']],
])('%s %s is allowed to %j', (method, enginePath, roles) => {
  expect(engineCallAccess(method, enginePath)).toEqual({ kind: 'allowed', roles });
});

test.each([
  ['POST', '/deployments'],
  ['POST', '/process-instances'],
  ['POST', '/process-instances/2251799813685249/cancellation'],
  ['POST', '/messages/publication'],
  ['POST', '/jobs/activation'],
  ['PUT', '/clock'],
  ['GET', '/incidents/search'],
  ['DELETE', '/user-tasks/2251799813685249/assignment'],
  ['GET', '/user-tasks/abc/form'],
  ['GET', '/user-tasks/1/../../deployments'],
  ['GET', '/user-tasks/1%2F..%2Fx/form'],
  ['POST', '/incidents/search/'],
])('%s %s is not passed', (method, enginePath) => {
  expect(engineCallAccess(method, enginePath)).toEqual({ kind: 'not-allowed' });
});

test('the console page and sign-in are open; the proxy needs a reader, who am I any role', () => {
  expect(accessFor('GET', '/console')).toEqual({ kind: 'open' });
  expect(accessFor('GET', '/console/*')).toEqual({ kind: 'open' });
  expect(accessFor('POST', '/console/api/token')).toEqual({ kind: 'open' });
  expect(accessFor('POST', '/console/api/engine/v2/*')).toEqual({ kind: 'roles', anyOf: ['operator', 'viewer'] });
  expect(accessFor('GET', '/console/api/me')).toEqual({ kind: 'roles', anyOf: ['intake', 'operator', 'viewer'] });
});
