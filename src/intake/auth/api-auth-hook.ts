// The intake's bearer-token guard, a fastify onRequest hook (before any body is read): each route's
// access (access-policy.ts) against the verified token's roles. No or a bad token: 401 with
// WWW-Authenticate (RFC 6750); a token without the role: 403 naming the roles that would do; the
// issuer's keys out of reach: 503 with Retry-After. The token itself is never logged or echoed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemType, sendProblem, type Problem } from '../problem.ts';
import { accessFor } from './access-policy.ts';
import type { Principal } from './principal.ts';
import type { TokenVerifier } from './token-verifier.ts';

export type ApiAuthentication = { readonly mode: 'jwt'; readonly verify: TokenVerifier } | { readonly mode: 'off' };

export const API_REALM = 'fulfillment-api';
const ISSUER_RETRY_AFTER_S = '5';

/** Who API_AUTH=off lets through: every role, and a name that says no one was checked. */
export const UNCHECKED_CALLER: Principal = {
  subject: 'api-auth-off',
  clientId: 'api-auth-off',
  displayName: 'unauthenticated caller (API_AUTH=off)',
  roles: new Set(['intake', 'operator', 'viewer']),
};

const principals = new WeakMap<FastifyRequest, Principal>();

/** The caller of a guarded route, as its token says (undefined on open routes). */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

export function installApiAuth(app: FastifyInstance, auth: ApiAuthentication): void {
  app.addHook('onRequest', async (request, reply) => {
    const access = accessFor(request.method, request.routeOptions.url);
    if (access.kind === 'open') return;
    if (auth.mode === 'off') {
      principals.set(request, UNCHECKED_CALLER);
      return;
    }
    const verification = await auth.verify(request.headers.authorization);
    switch (verification.kind) {
      case 'issuer-unavailable':
        request.log.warn({ reason: verification.reason }, 'bearer token not checked: the token issuer is unavailable');
        return refuse(reply, { type: problemType('token-issuer-unavailable'), title: 'Tokens cannot be checked right now', status: 503, detail: `${verification.reason}; retry later` }, { 'retry-after': ISSUER_RETRY_AFTER_S });
      case 'refused': {
        const challenge =
          request.headers.authorization === undefined ? `Bearer realm="${API_REALM}"` : `Bearer realm="${API_REALM}", error="${verification.error}", error_description="${headerSafe(verification.reason)}"`;
        return refuse(reply, { type: problemType('unauthenticated'), title: 'A valid bearer token is required', status: 401, detail: verification.reason }, { 'www-authenticate': challenge });
      }
      case 'verified': {
        const { principal } = verification;
        if (!access.anyOf.some((role) => principal.roles.has(role))) {
          const needed = access.anyOf.join(' or ');
          const detail = `${request.method} ${request.routeOptions.url ?? request.url} needs the role ${needed}`;
          return refuse(reply, { type: problemType('forbidden'), title: 'The token lacks the role this action needs', status: 403, detail }, {
            'www-authenticate': `Bearer realm="${API_REALM}", error="insufficient_scope", scope="${access.anyOf.join(' ')}"`,
          });
        }
        principals.set(request, principal);
        return;
      }
    }
  });
}

function refuse(reply: FastifyReply, problem: Problem, headers: Record<string, string>): FastifyReply {
  return sendProblem(reply, problem, { 'cache-control': 'no-store', ...headers });
}

/** A quoted-string of a header may hold no quote, backslash or control character. */
const headerSafe = (text: string): string => text.replace(/["\\\u0000-\u001f\u007f]/g, "'");
