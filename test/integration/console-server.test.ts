// The console's server part on the intake, against the real stack engine (its token endpoint and
// REST v2) and real tokens: the built page at /console/ with deep links, a problem when it is not
// built; sign-in by client credentials (the secret never echoed); who am I; and the engine proxy's
// allow-list and roles (viewer reads, operator acts, the rest refused), engine answers passed through.
import { provisioningSigning } from '../../src/adapters/provisioning/signature.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import { apiAccess } from '../../src/intake/auth/api-access.ts';
import { consoleSettings, type ConsoleSettings } from '../../src/intake/console/console-settings.ts';
import { buildIntakeServer } from '../../src/intake/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { apiAuthorization, apiTokenUrl, type ApiRole } from '../../stack/api-tokens.ts';
import { stackSettings } from '../../stack/settings.ts';

const stack = stackSettings();
const config = stack.config;
const assets = mkdtempSync(path.join(tmpdir(), 'console-assets-'));
writeFileSync(path.join(assets, 'index.html'), '<!doctype html><title>console</title><script src="/console/main.js"></script>');
writeFileSync(path.join(assets, 'main.js'), 'console.log("page")');

let db: DatabasePool;
let zeebe: ReturnType<typeof createZeebeClient>;
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  db = await createDatabasePool(loadConfig(), 'console-server-test');
  zeebe = createZeebeClient(config);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await zeebe.close();
  await db.end();
  rmSync(assets, { recursive: true, force: true });
});

async function intake(overrides: Partial<ConsoleSettings> = {}): Promise<FastifyInstance> {
  const server = buildIntakeServer({
    db,
    messages: suffixedMessages(zeebeMessagePublisher(zeebe), `console${randomUUID().slice(0, 8)}`),
    engine: engineOverGateway(config, zeebe),
    provisioningPollCycle: config.PROVISIONING_POLL_CYCLE,
    provisioningSla: config.PROVISIONING_SLA,
    log: createLogger('console-server-test', 'silent'),
    access: apiAccess(config),
    callbackSigning: provisioningSigning(config),
    console: { ...consoleSettings(config, assets), tokenUrl: apiTokenUrl(stack), ...overrides },
  });
  servers.push(server);
  await server.ready();
  return server;
}

const as = async (role: ApiRole) => apiAuthorization(role, stack);

describe('the page', () => {
  test('a built file is served as itself; any page route gets index.html (bookmarkable), revalidated by ETag', async () => {
    const app = await intake();
    const script = await app.inject({ method: 'GET', url: '/console/main.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    for (const route of ['/console/', '/console/orders/ORD-1', '/console/orders?view=fallout', '/console/incidents']) {
      const page = await app.inject({ method: 'GET', url: route });
      expect({ route, status: page.statusCode }).toEqual({ route, status: 200 });
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('<title>console</title>');
      expect(page.headers['cache-control']).toBe('no-cache');
      // the page holds a bearer token: its own scripts only, no framing
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const etag = String((await app.inject({ method: 'GET', url: '/console/' })).headers.etag);
    expect((await app.inject({ method: 'GET', url: '/console/', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/console' })).headers.location).toBe('/console/');
  });

  test('no file outside the built folder is served', async () => {
    const app = await intake();
    for (const url of ['/console/%2e%2e/%2e%2e/package.json', '/console/..%2f..%2fpackage.json', '/console/%E0%A4%A']) {
      const answer = await app.inject({ method: 'GET', url });
      expect(answer.body).not.toContain('"dependencies"');
    }
  });

  test('an unknown console API path is a 404 problem, not the page', async () => {
    const app = await intake();
    const answer = await app.inject({ method: 'GET', url: '/console/api/nothing' });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('a console that was not built answers a problem saying how to build it', async () => {
    const app = await intake({ assetsDir: path.join(assets, 'missing') });
    const answer = await app.inject({ method: 'GET', url: '/console/orders/ORD-1' });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ type: 'urn:fulfillment:problem:console-not-built', detail: expect.stringContaining('npm run build') });
  });
});

describe('sign-in', () => {
  const operator = stack.apiClients.find((client) => client.role === 'operator');

  test('a dev client id and secret give a bearer token the intake accepts, with its roles', async () => {
    const app = await intake();
    const answer = await app.inject({ method: 'POST', url: '/console/api/token', payload: { clientId: operator?.clientId, clientSecret: operator?.clientSecret } });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const { accessToken } = answer.json() as { accessToken: string };
    const me = await app.inject({ method: 'GET', url: '/console/api/me', headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.json()).toMatchObject({ clientId: operator?.clientId, roles: ['operator'] });
  });

  test('a wrong secret is a 401 problem that does not repeat the secret', async () => {
    const app = await intake();
    const secret = `wrong-${randomUUID()}`;
    const answer = await app.inject({ method: 'POST', url: '/console/api/token', payload: { clientId: operator?.clientId, clientSecret: secret } });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ type: 'urn:fulfillment:problem:sign-in-refused' });
    expect(answer.body).not.toContain(secret);
  });

  test('a missing field is a 400 problem; an unreachable issuer a 503 with Retry-After', async () => {
    const app = await intake({ tokenUrl: 'http://127.0.0.1:9/oauth/token' });
    const missing = await app.inject({ method: 'POST', url: '/console/api/token', payload: { clientId: 'x' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errors: [{ field: 'clientSecret' }] });
    const unreachable = await app.inject({ method: 'POST', url: '/console/api/token', payload: { clientId: 'x', clientSecret: 'y' } });
    expect(unreachable.statusCode).toBe(503);
    expect(unreachable.headers['retry-after']).toBe('5');
  });
});

describe('the engine proxy', () => {
  test('a viewer searches incidents and user tasks and reads a process definition XML', async () => {
    const app = await intake();
    const headers = await as('viewer');
    for (const search of ['incidents', 'user-tasks', 'process-instances']) {
      const answer = await app.inject({ method: 'POST', url: `/console/api/engine/v2/${search}/search`, headers, payload: { page: { limit: 1 } } });
      expect({ search, status: answer.statusCode }).toEqual({ search, status: 200 });
      expect(answer.json()).toHaveProperty('items');
    }
    const definitions = await app.inject({ method: 'POST', url: '/console/api/engine/v2/process-definitions/search', headers, payload: { page: { limit: 1 } } });
    const first = (definitions.json() as { items: { processDefinitionKey: string }[] }).items[0];
    if (first !== undefined) {
      const xml = await app.inject({ method: 'GET', url: `/console/api/engine/v2/process-definitions/${first.processDefinitionKey}/xml`, headers });
      expect(xml.statusCode).toBe(200);
      expect(xml.body).toContain('definitions');
    }
  });

  test('a viewer may not complete a user task nor resolve an incident (403 naming the role)', async () => {
    const app = await intake();
    const headers = await as('viewer');
    for (const url of ['/console/api/engine/v2/user-tasks/2251799813685249/completion', '/console/api/engine/v2/incidents/2251799813685249/resolution']) {
      const answer = await app.inject({ method: 'POST', url, headers, payload: {} });
      expect(answer.statusCode).toBe(403);
      expect(answer.json()).toMatchObject({ type: 'urn:fulfillment:problem:forbidden', detail: expect.stringContaining('operator') });
    }
  });

  test("an operator's allowed command reaches the engine, whose answer passes through (404 for an unknown task)", async () => {
    const app = await intake();
    const answer = await app.inject({ method: 'POST', url: '/console/api/engine/v2/user-tasks/2251799813685249/completion', headers: await as('operator'), payload: {} });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['content-type']).toMatch(/problem\+json/);
  });

  test('calls off the list are refused even to an operator; no token is a 401; the intake client is no reader', async () => {
    const app = await intake();
    const operator = await as('operator');
    for (const [method, url] of [['POST', '/console/api/engine/v2/deployments'], ['POST', '/console/api/engine/v2/process-instances'], ['POST', '/console/api/engine/v2/process-instances/1/cancellation']] as const) {
      const answer = await app.inject({ method, url, headers: operator, payload: {} });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 403 });
      expect(answer.json()).toMatchObject({ type: 'urn:fulfillment:problem:engine-call-not-allowed' });
    }
    expect((await app.inject({ method: 'POST', url: '/console/api/engine/v2/incidents/search', payload: {} })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/console/api/engine/v2/incidents/search', headers: await as('intake'), payload: {} })).statusCode).toBe(403);
  });

  test('an engine out of reach is a 503 problem with Retry-After', async () => {
    const app = await intake({ engineRestAddress: 'http://127.0.0.1:9' });
    const answer = await app.inject({ method: 'POST', url: '/console/api/engine/v2/incidents/search', headers: await as('viewer'), payload: {} });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
  });
});
