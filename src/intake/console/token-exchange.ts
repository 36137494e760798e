// POST /console/api/token: the console's sign-in form sends a client id and secret; the intake
// exchanges them for a bearer token at the configured client-credentials endpoint (API_TOKEN_URL)
// and hands the token back. The secret is neither logged nor echoed; the issuer's refusal is a 401.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { problemType, sendProblem } from '../problem.ts';
import type { ConsoleSettings } from './console-settings.ts';

const signIn = z.object({ clientId: z.string().trim().min(1).max(200), clientSecret: z.string().min(1).max(1_000) });

export function tokenExchangeRoute(app: FastifyInstance, settings: ConsoleSettings): void {
  app.post('/console/api/token', { bodyLimit: 8 * 1024 }, async (request, reply) => {
    const given = signIn.safeParse(request.body);
    if (!given.success) {
      return sendProblem(reply, {
        type: problemType('invalid-sign-in'),
        title: 'Client id and secret are required',
        status: 400,
        detail: 'send {"clientId": "...", "clientSecret": "..."}',
        errors: given.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', message: issue.message })),
      }, { 'cache-control': 'no-store' });
    }
    const { clientId, clientSecret } = given.data;
    let answer: Response;
    try {
      answer = await fetch(settings.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: settings.tokenAudience }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      request.log.warn({ clientId, reason: (err as Error).name }, 'console sign-in: the token endpoint did not answer');
      return sendProblem(reply, { type: problemType('token-issuer-unavailable'), title: 'Sign-in is not possible right now', status: 503, detail: 'the token issuer did not answer; retry later' }, { 'retry-after': '5', 'cache-control': 'no-store' });
    }
    const body = (await answer.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown };
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      request.log.info({ clientId, status: answer.status }, 'console sign-in refused by the token issuer');
      return sendProblem(reply, { type: problemType('sign-in-refused'), title: 'Sign-in refused', status: 401, detail: `the token issuer refused client ${clientId}: check the client id and secret` }, { 'cache-control': 'no-store' });
    }
    if (!answer.ok || typeof body.access_token !== 'string') {
      request.log.warn({ clientId, status: answer.status }, 'console sign-in: the token endpoint gave no token');
      return sendProblem(reply, { type: problemType('token-issuer-unavailable'), title: 'Sign-in is not possible right now', status: 503, detail: `the token issuer answered HTTP ${answer.status} without a token; retry later` }, { 'retry-after': '5', 'cache-control': 'no-store' });
    }
    return reply.header('cache-control', 'no-store').send({ accessToken: body.access_token, tokenType: 'Bearer', expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined });
  });
}
