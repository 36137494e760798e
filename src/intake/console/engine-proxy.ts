// /console/api/engine/v2/...: the console's window on the engine. Only allow-listed REST v2 calls
// (engine-allow-list.ts) pass, each after the caller's roles are checked; they go to the engine with
// the farm's own engine credentials, never the caller's token (which is for the farm's APIs). The
// engine's answer (status, JSON or XML, its problem documents) is handed back as it came.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../auth/api-auth-hook.ts';
import { problemType, sendProblem } from '../problem.ts';
import type { ConsoleSettings } from './console-settings.ts';
import { engineCallAccess } from './engine-allow-list.ts';

export const ENGINE_PROXY_PREFIX = '/console/api/engine/v2';
/** what of the engine's answer is passed on */
const PASSED_HEADERS = ['content-type', 'retry-after'] as const;

export function engineProxyRoutes(app: FastifyInstance, settings: ConsoleSettings): void {
  // the allow-list holds only these methods; written out so the contracts gate sees each route
  app.get('/console/api/engine/v2/*', (request, reply) => forward(request, reply, settings));
  app.post('/console/api/engine/v2/*', (request, reply) => forward(request, reply, settings));
  app.delete('/console/api/engine/v2/*', (request, reply) => forward(request, reply, settings));
}

async function forward(request: FastifyRequest, reply: FastifyReply, settings: ConsoleSettings): Promise<FastifyReply> {
  const [rawPath = '', query] = request.url.slice(ENGINE_PROXY_PREFIX.length).split('?', 2);
  const access = engineCallAccess(request.method, rawPath);
  if (access.kind === 'not-allowed') {
    return sendProblem(reply, { type: problemType('engine-call-not-allowed'), title: 'The console does not pass this engine call', status: 403, detail: `${request.method} /v2${rawPath} is not one of the engine calls the console may make` });
  }
  const roles = principalOf(request)?.roles ?? new Set<string>();
  if (!access.roles.some((role) => roles.has(role))) {
    return sendProblem(reply, { type: problemType('forbidden'), title: 'The token lacks the role this action needs', status: 403, detail: `${request.method} /v2${rawPath} needs the role ${access.roles.join(' or ')}` });
  }
  const target = `${settings.engineRestAddress}/v2${rawPath}${query === undefined ? '' : `?${query}`}`;
  const hasBody = request.method !== 'GET' && request.method !== 'DELETE';
  let answer: Response;
  try {
    const credentials = settings.engineHeaders ? await settings.engineHeaders() : {};
    answer = await fetch(target, {
      method: request.method,
      headers: { accept: 'application/json, text/xml, application/problem+json', ...(hasBody ? { 'content-type': 'application/json' } : {}), ...credentials },
      body: hasBody ? JSON.stringify(request.body ?? {}) : undefined,
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    request.log.warn({ engineCall: `${request.method} /v2${rawPath}`, reason: (err as Error).name }, 'console engine call failed');
    return sendProblem(reply, { type: problemType('engine-unavailable'), title: 'The engine did not answer', status: 503, detail: `${request.method} /v2${rawPath} got no answer from the engine in time; retry later` }, { 'retry-after': '5' });
  }
  const body = Buffer.from(await answer.arrayBuffer());
  for (const name of PASSED_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) void reply.header(name, value);
  }
  return reply.code(answer.status).header('cache-control', 'no-store').send(body);
}
