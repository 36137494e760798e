// Bearer tokens on the intake and operator APIs, with real tokens from the stack engine's token
// endpoint (and from a second engine, in process, as another issuer with two intake clients) and the
// real PostgreSQL: 401 without a valid token, 403 without the role, 503 when the JWKS is out of
// reach, and the per-client rate limit of POST /orders (429 with Retry-After for one client while
// another is still served). That a decision is recorded as the token's operator, whatever the body
// says, is proven end to end in test/workflow/reconciliation.test.ts.
import { provisioningSigning } from '../../src/adapters/provisioning/signature.ts';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT, generateKeyPair } from 'jose';
import { startEngine, type RunningEngine } from '../../engine/src/start.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import { apiAccess } from '../../src/intake/auth/api-access.ts';
import { createTokenVerifier } from '../../src/intake/auth/token-verifier.ts';
import { buildIntakeServer } from '../../src/intake/server.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { apiAuthorization } from '../../stack/api-tokens.ts';
import { conformanceProblems, loadBundled } from '../support/http-conformance.ts';

const config = loadConfig();
const OTHER_ISSUER = 'another-issuer';
const otherClients = ['intake-a', 'intake-b'].map((clientId) => ({ clientId, clientSecret: `${clientId}-secret`, roles: ['intake'], audience: config.API_TOKEN_AUDIENCE }));

let db: DatabasePool;
let zeebe: ReturnType<typeof createZeebeClient>;
let otherEngine: RunningEngine;
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  db = await createDatabasePool(config, 'api-auth-test');
  zeebe = createZeebeClient(config);
  otherEngine = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: otherClients, issuer: OTHER_ISSUER, requireTokens: false } });
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await otherEngine.stop();
  await zeebe.close();
  await db.end();
});

async function intake(overrides: Partial<Config> = {}, now?: () => number): Promise<FastifyInstance> {
  const settings = { ...config, ...overrides };
  const server = buildIntakeServer({
    db,
    // a message name no model waits for: nothing here starts an instance
    messages: suffixedMessages(zeebeMessagePublisher(zeebe), `auth${randomUUID().slice(0, 8)}`),
    engine: engineOverGateway(config, zeebe),
    provisioningPollCycle: config.PROVISIONING_POLL_CYCLE,
    provisioningSla: config.PROVISIONING_SLA,
    log: createLogger('api-auth-test', 'silent'),
    access: apiAccess(settings, now === undefined ? {} : { now }),
    callbackSigning: provisioningSigning(settings),
  });
  servers.push(server);
  await server.ready();
  return server;
}

async function otherToken(clientId: string): Promise<string> {
  const client = otherClients.find((candidate) => candidate.clientId === clientId);
  const res = await fetch(`${otherEngine.restAddress}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: client?.clientSecret ?? '' }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const docs = { intake: loadBundled('intake'), operator: loadBundled('operator') };

type Injected = { statusCode: number; headers: Record<string, unknown>; body: string; json: () => unknown };

/** The answer against the OpenAPI document of its route: every refusal here is a documented one. */
function expectDocumented(method: string, url: string, answer: Injected): void {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers.set(name, String(value));
  const doc = url.startsWith('/operator/') ? docs.operator : docs.intake;
  expect(conformanceProblems(doc, { method, path: url, status: answer.statusCode, headers, body: answer.json() })).toEqual([]);
}

const problem = (answer: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) => ({
  status: answer.statusCode,
  contentType: answer.headers['content-type'],
  type: (answer.json() as { type?: string }).type?.replace('urn:fulfillment:problem:', ''),
});

// a case that does not exist: a request that gets through the guard meets a 404
const caseId = '00000000-0000-4000-8000-00000000a0a0';
const guarded = [
  { method: 'POST' as const, url: '/orders', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-auth' }, payload: '{}' },
  { method: 'GET' as const, url: '/operator/cases' },
  { method: 'POST' as const, url: `/operator/cases/${caseId}/decision`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ decision: 'RETRY' }) },
];

describe('without a valid token', () => {
  test.each(guarded)('$method $url: 401 problem with a Bearer challenge', async (request) => {
    const app = await intake();
    const answer = await app.inject(request);
    expect(problem(answer)).toEqual({ status: 401, contentType: 'application/problem+json; charset=utf-8', type: 'unauthenticated' });
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="fulfillment-api"');
    expectDocumented(request.method, request.url, answer);
  });

  test('an expired token is refused with the reason, and the token is never echoed', async () => {
    const { authorization } = await apiAuthorization('operator');
    const twoHoursLater = await intake({}, () => Date.now() + 2 * 3_600_000);
    const answer = await twoHoursLater.inject({ method: 'GET', url: '/operator/cases', headers: { authorization } });
    expect(problem(answer).status).toBe(401);
    expect((answer.json() as { detail: string }).detail).toMatch(/expired/);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="fulfillment-api", error="invalid_token", error_description="[^"]*expired/);
    const token = authorization.replace('Bearer ', '');
    expect(answer.body).not.toContain(token);
    expect(String(answer.headers['www-authenticate'])).not.toContain(token);
  });

  test("a token of another issuer and key, garbage, and another scheme are refused", async () => {
    const app = await intake();
    const foreign = await app.inject({ method: 'GET', url: '/operator/cases', headers: { authorization: `Bearer ${await otherToken('intake-a')}` } });
    expect([foreign.statusCode, (foreign.json() as { detail: string }).detail]).toEqual([401, 'the token is not signed by a key of the trusted issuer']);
    const garbage = await app.inject({ method: 'GET', url: '/operator/cases', headers: { authorization: 'Bearer not.a.jwt' } });
    expect([garbage.statusCode, (garbage.json() as { detail: string }).detail]).toEqual([401, 'the token is not a well-formed signed JWT']);
    const basic = await app.inject({ method: 'GET', url: '/operator/cases', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.statusCode).toBe(401);
  });

  test('whatever a bearer value holds, a token that cannot be read is a 401, never a 503 or 500', async () => {
    const app = await intake();
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = part({ iss: config.API_TOKEN_ISSUER, aud: config.API_TOKEN_AUDIENCE, sub: 'x', exp: Math.floor(Date.now() / 1000) + 600, roles: ['operator'] });
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKey = await new SignJWT({ roles: ['operator'] }).setProtectedHeader({ alg: 'ES256', kid: 'not-in-the-set' }).setIssuer(config.API_TOKEN_ISSUER).setAudience(config.API_TOKEN_AUDIENCE).setSubject('x').setExpirationTime('10m').sign(privateKey);
    const values = [
      `${part({ alg: 'none' })}.${claims}.`,
      `${part({ alg: 'HS256', kid: 'k' })}.${claims}.${Buffer.from('sig').toString('base64url')}`,
      `${Buffer.from('{not json').toString('base64url')}.${claims}.c2ln`,
      `${part({ alg: 'ES256', crit: ['exp-x'], 'exp-x': 1 })}.${claims}.c2ln`,
      'a.b.c.d.e',
      '..',
      'x'.repeat(8_000),
      unknownKey,
    ];
    for (const value of values) {
      const answer = await app.inject({ method: 'GET', url: '/operator/cases', headers: { authorization: `Bearer ${value}` } });
      expect([value.slice(0, 40), answer.statusCode]).toEqual([value.slice(0, 40), 401]);
    }
  });

  test('a token for another audience is refused', async () => {
    const app = await intake({ API_TOKEN_AUDIENCE: 'some-other-api' });
    const answer = await app.inject({ method: 'GET', url: '/operator/cases', headers: await apiAuthorization('viewer') });
    expect([answer.statusCode, (answer.json() as { detail: string }).detail]).toEqual([401, 'the token\'s "aud" claim is not the one expected']);
  });
});

describe('roles', () => {
  test('a viewer may not decide, the intake client may not list cases, a viewer may not submit orders: 403 naming the role', async () => {
    const app = await intake();
    const viewerDecides = await app.inject({ ...guarded[2], headers: { ...guarded[2]?.headers, ...(await apiAuthorization('viewer')) } });
    expect(problem(viewerDecides)).toMatchObject({ status: 403, type: 'forbidden' });
    expect((viewerDecides.json() as { detail: string }).detail).toBe('POST /operator/cases/:caseId/decision needs the role operator');
    expectDocumented('POST', guarded[2]?.url ?? '', viewerDecides);
    const intakeLists = await app.inject({ method: 'GET', url: '/operator/cases', headers: await apiAuthorization('intake') });
    expect([intakeLists.statusCode, (intakeLists.json() as { detail: string }).detail]).toEqual([403, 'GET /operator/cases needs the role operator or viewer']);
    const viewerOrders = await app.inject({ ...guarded[0], headers: { ...guarded[0]?.headers, ...(await apiAuthorization('viewer')) } });
    expect(viewerOrders.statusCode).toBe(403);
  });

  test('with the role the request reaches the route', async () => {
    const app = await intake();
    expect((await app.inject({ method: 'GET', url: '/operator/cases?limit=1', headers: await apiAuthorization('viewer') })).statusCode).toBe(200);
    const decision = await app.inject({ ...guarded[2], headers: { ...guarded[2]?.headers, ...(await apiAuthorization('operator')) } });
    expect(problem(decision)).toMatchObject({ status: 404, type: 'case-not-found' });
    const order = await app.inject({ ...guarded[0], headers: { ...guarded[0]?.headers, ...(await apiAuthorization('intake')) } });
    expect(problem(order)).toMatchObject({ status: 400, type: 'invalid-order' });
    expect((await app.inject({ method: 'GET', url: '/orders/ord-none', headers: await apiAuthorization('operator') })).statusCode).toBe(404);
  });

  test('API_AUTH=off lets every request through (development only)', async () => {
    const app = await intake({ API_AUTH: 'off' });
    expect((await app.inject({ method: 'GET', url: '/operator/cases?limit=1' })).statusCode).toBe(200);
    expect(problem(await app.inject(guarded[0] ?? {})).type).toBe('invalid-order');
  });
});

test('the JWKS out of reach: 503 problem with Retry-After, not 401 nor 500', async () => {
  const app = await intake({ API_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json' });
  const answer = await app.inject({ method: 'GET', url: '/operator/cases', headers: await apiAuthorization('viewer') });
  expect(problem(answer)).toMatchObject({ status: 503, type: 'token-issuer-unavailable' });
  expect(answer.headers['retry-after']).toBe('5');
  expectDocumented('GET', '/operator/cases', answer);
});

test('keys fetched before still verify while the issuer is down (stale-if-error); a verifier that never had them answers 503', async () => {
  const issuer = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', oauth: { clients: otherClients, issuer: OTHER_ISSUER, requireTokens: false } });
  const jwksUrl = `${issuer.restAddress}/.well-known/jwks.json`;
  const settings = { jwksUrl, issuer: OTHER_ISSUER, audience: config.API_TOKEN_AUDIENCE, rolesClaim: 'roles', jwksCacheMaxAgeMs: 1 };
  const res = await fetch(`${issuer.restAddress}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'intake-a', client_secret: 'intake-a-secret' }) });
  const authorization = `Bearer ${((await res.json()) as { access_token: string }).access_token}`;
  const warm = createTokenVerifier(settings);
  expect((await warm(authorization)).kind).toBe('verified');
  await issuer.stop();
  await new Promise((resolve) => setTimeout(resolve, 5));
  // the keys are past their age: the verifier asks the issuer again, fails, and uses what it had
  expect(await warm(authorization)).toMatchObject({ kind: 'verified', principal: { clientId: 'intake-a' } });
  expect(await createTokenVerifier(settings)(authorization)).toMatchObject({ kind: 'issuer-unavailable' });
});

test('a burst beyond the limit gets 429 with Retry-After for that client, while another client is still served', async () => {
  // 1 per second, burst 3: a window of 3 s holding 3 requests per client
  const app = await intake({ API_JWKS_URL: `${otherEngine.restAddress}/.well-known/jwks.json`, API_TOKEN_ISSUER: OTHER_ISSUER, INTAKE_RATE_LIMIT_PER_SECOND: 1, INTAKE_RATE_LIMIT_BURST: 3 });
  const [clientA, clientB] = [await otherToken('intake-a'), await otherToken('intake-b')];
  const post = (token: string) => app.inject({ ...guarded[0], headers: { ...guarded[0]?.headers, authorization: `Bearer ${token}` } });
  const burst = [];
  for (let i = 0; i < 5; i += 1) burst.push(await post(clientA));
  expect(burst.map((answer) => answer.statusCode)).toEqual([400, 400, 400, 429, 429]);
  const limited = burst[3];
  expect(limited && problem(limited)).toEqual({ status: 429, contentType: 'application/problem+json; charset=utf-8', type: 'rate-limited' });
  expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(limited?.headers['retry-after'])).toBeLessThanOrEqual(3);
  if (limited) expectDocumented('POST', '/orders', limited);
  // the other client has its own window
  expect((await post(clientB)).statusCode).toBe(400);
  // reads are not limited
  expect((await app.inject({ method: 'GET', url: '/orders/ord-none', headers: { authorization: `Bearer ${clientA}` } })).statusCode).toBe(404);
});
