// The stack's engine turns OAuth on for the farm's own client when the farm's token URL is the
// engine's own endpoint, and only then (a token URL elsewhere, e.g. Camunda SaaS, is not its business).
import { stackSettings } from '../settings.ts';
import { engineEnvironment } from './engine.ts';

const oauth = (tokenUrl: string) => ({ CAMUNDA_AUTH_STRATEGY: 'OAUTH', CAMUNDA_OAUTH_URL: tokenUrl, ZEEBE_CLIENT_ID: 'farm', ZEEBE_CLIENT_SECRET: 'farm-secret', ZEEBE_TOKEN_AUDIENCE: 'zeebe-api' });

test('by default the engine needs no token, on the ports the farm calls, with its journal in the stack folder, and issues the API clients tokens', () => {
  const s = stackSettings({});
  expect(engineEnvironment(s)).toEqual({
    ENGINE_HOST: '127.0.0.1',
    ENGINE_GRPC_PORT: '26500',
    ENGINE_REST_PORT: '8080',
    ENGINE_DATA_DIR: expect.stringContaining(s.dir),
    ENGINE_OAUTH_API_CLIENTS: expect.any(String),
  });
  const clients = JSON.parse(engineEnvironment(s).ENGINE_OAUTH_API_CLIENTS ?? '[]') as { clientId: string; roles: string[]; audience: string }[];
  expect(clients.map((c) => [c.roles, c.audience])).toEqual([
    [['intake'], 'fulfillment-api'],
    [['operator'], 'fulfillment-api'],
    [['viewer'], 'fulfillment-api'],
  ]);
});

test("OAUTH with the engine's own token endpoint: the engine serves tokens to the farm's client", () => {
  expect(engineEnvironment(stackSettings(oauth('http://127.0.0.1:8080/oauth/token')))).toMatchObject({ ENGINE_OAUTH_CLIENT_ID: 'farm', ENGINE_OAUTH_CLIENT_SECRET: 'farm-secret', ENGINE_OAUTH_AUDIENCE: 'zeebe-api' });
});

test('OAUTH with a token endpoint elsewhere leaves the local engine open', () => {
  expect(Object.keys(engineEnvironment(stackSettings(oauth('https://login.cloud.camunda.io/oauth/token'))))).not.toContain('ENGINE_OAUTH_CLIENT_ID');
});
