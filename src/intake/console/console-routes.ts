// The operator console on the intake: the built page at /console/, the sign-in token exchange,
// who the caller is, and the allow-listed engine proxy. The farm's own data comes from /operator/...
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/api-auth-hook.ts';
import type { ConsoleSettings } from './console-settings.ts';
import { engineProxyRoutes } from './engine-proxy.ts';
import { staticAssetRoutes } from './static-assets.ts';
import { tokenExchangeRoute } from './token-exchange.ts';

export function consoleRoutes(app: FastifyInstance, settings: ConsoleSettings): void {
  staticAssetRoutes(app, settings);
  tokenExchangeRoute(app, settings);
  engineProxyRoutes(app, settings);
  // the page shows who is signed in and offers only what the roles allow
  app.get('/console/api/me', async (request, reply) => {
    const principal = principalOf(request);
    return reply.header('cache-control', 'no-store').send({ clientId: principal?.clientId ?? '', displayName: principal?.displayName ?? '', roles: [...(principal?.roles ?? [])].sort() });
  });
}
