// Roles and names from any OIDC provider's claims: a roles array or space-separated string in the
// configured claim, plus OAuth scopes; the client counted by the rate limit; the decider's name.
import { principalFrom } from './principal.ts';

test('roles from the configured claim (array) and from scope, client from client_id, name from sub', () => {
  const p = principalFrom({ sub: 'dev-operator-client', client_id: 'dev-operator-client', roles: ['operator', 7], scope: 'openid viewer' }, 'roles');
  expect([...p.roles].sort()).toEqual(['openid', 'operator', 'viewer']);
  expect(p).toMatchObject({ subject: 'dev-operator-client', clientId: 'dev-operator-client', displayName: 'dev-operator-client' });
});

test('a space-separated roles claim under another name, azp as the client, preferred_username as the name', () => {
  const p = principalFrom({ sub: 'f81d4fae', azp: 'ops-console', preferred_username: 'alice', name: 'Alice A.', groups: 'operator  viewer' }, 'groups');
  expect([...p.roles].sort()).toEqual(['operator', 'viewer']);
  expect(p).toMatchObject({ subject: 'f81d4fae', clientId: 'ops-console', displayName: 'alice' });
});

test('a claim of another shape names no role', () => {
  expect(principalFrom({ sub: 's', roles: { operator: true } }, 'roles').roles.size).toBe(0);
});
