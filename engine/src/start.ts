// startEngine: the whole engine in one call, for `npm run engine`, the stack and in-process tests.
// Composes the runtime (createEngine) over a journal (files under dataDir, else memory), the gRPC
// gateway, the REST API and, when asked, OAuth in front of both. Port 0 binds any free port; the
// addresses it answers with are what a client puts in ZEEBE_GRPC_ADDRESS / ZEEBE_REST_ADDRESS.
import * as grpc from '@grpc/grpc-js';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Engine } from './api.ts';
import { createOAuth, type OAuth, type OAuthOptions as AuthOptions } from './auth/oauth.ts';
import type { Clock } from './clock.ts';
import { memoryJournal } from './durability.ts';
import { createEngine } from './engine.ts';
import { createGrpcServer } from './gateway/server.ts';
import { openFileJournal } from './journal/file-journal.ts';
import { createRestServer } from './rest/server.ts';

export type OAuthOptions = Omit<AuthOptions, 'issuer' | 'now'> & {
  /** the tokens' `iss` (default: "local-engine") */
  readonly issuer?: string | undefined;
  /**
   * whether the gRPC gateway and REST API demand bearer tokens (default true); false serves the
   * token endpoint and JWKS only, as an issuer for other APIs' clients while the engine stays open
   */
  readonly requireTokens?: boolean | undefined;
};

export interface StartEngineOptions {
  /** default 26500; 0 = any free port */
  readonly grpcPort?: number | undefined;
  /** default 8080; 0 = any free port */
  readonly restPort?: number | undefined;
  /** the interface both servers bind (default 0.0.0.0) */
  readonly host?: string | undefined;
  /** keep state in a journal under this directory (survives kill -9); default: memory only */
  readonly dataDir?: string | undefined;
  /** serve the local client-credentials endpoint (POST /oauth/token) and, unless requireTokens is false, require its bearer tokens */
  readonly oauth?: OAuthOptions | undefined;
  /** the engine clock (default: system time, pinnable through the REST clock endpoints) */
  readonly clock?: Clock | undefined;
  readonly maxQueuedCommands?: number | undefined;
  readonly snapshotEvery?: number | undefined;
  readonly historyLimit?: number | undefined;
  /** run the servers over this engine instead of creating one (tests of the wire alone) */
  readonly engine?: Engine | undefined;
  readonly log?: Logger | undefined;
}

export interface RunningEngine {
  /** grpc://host:port, as ZEEBE_GRPC_ADDRESS takes it */
  readonly grpcAddress: string;
  /** http://host:port, as ZEEBE_REST_ADDRESS takes it */
  readonly restAddress: string;
  readonly grpcPort: number;
  readonly restPort: number;
  readonly engine: Engine;
  /** closes the servers, then the engine (which flushes its journal) */
  stop(): Promise<void>;
  /** drops every connection at once and closes nothing gracefully: a crash, as far as clients can tell */
  kill(): void;
}

const listenAddress = (host: string, port: number) => `${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;

function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
}

export async function startEngine(options: StartEngineOptions = {}): Promise<RunningEngine> {
  const log = options.log ?? pino({ level: 'silent' });
  const host = options.host ?? '0.0.0.0';

  let engine = options.engine;
  if (!engine) {
    const journal = options.dataDir ? await openFileJournal(options.dataDir, { onWarning: (message) => log.warn({ dataDir: options.dataDir }, message) }) : memoryJournal();
    const { clock, maxQueuedCommands, snapshotEvery, historyLimit } = options;
    engine = await createEngine({ journal, clock, maxQueuedCommands, snapshotEvery, historyLimit });
  }
  const running = engine;

  // with a data directory the signing key is kept there too, so tokens outlive a restart
  const auth: OAuth | undefined = options.oauth
    ? createOAuth({
        ...options.oauth,
        issuer: options.oauth.issuer ?? 'local-engine',
        signingKeyFile: options.oauth.signingKeyFile ?? (options.dataDir ? path.join(options.dataDir, 'oauth-signing-key.pem') : undefined),
      })
    : undefined;
  const authenticate = auth && options.oauth?.requireTokens !== false ? (authorization: string | undefined) => auth.authenticate(authorization) : undefined;

  let grpcPort = options.grpcPort ?? 26500;
  const gateway = createGrpcServer({
    engine: running,
    authenticate,
    advertisedAddress: () => ({ host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port: grpcPort }),
    onDispatchError: (error, jobKey) => log.warn({ jobKey, err: (error as Error).message }, 'job not pushed to a stream; it stays for polling'),
  });
  const rest = await createRestServer({ engine: running, authenticate, extraRoutes: auth ? (app: FastifyInstance) => auth.registerRoutes(app) : undefined });

  try {
    grpcPort = await bindGrpc(gateway.server, host, grpcPort);
    await rest.listen({ host, port: options.restPort ?? 8080 });
  } catch (error) {
    gateway.server.forceShutdown();
    await rest.close().catch(() => undefined);
    await running.close().catch(() => undefined);
    throw error;
  }
  const restInfo = rest.server.address();
  const restPort = typeof restInfo === 'object' && restInfo ? restInfo.port : (options.restPort ?? 8080);

  let stopping: Promise<void> | undefined;
  return {
    grpcAddress: `grpc://${listenAddress(host, grpcPort)}`,
    restAddress: `http://${listenAddress(host, restPort)}`,
    grpcPort,
    restPort,
    engine: running,
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([gateway.close(), rest.close()]);
        await running.close();
      })();
      return stopping;
    },
    kill() {
      gateway.server.forceShutdown();
      rest.server.closeAllConnections();
      void rest.close().catch(() => undefined);
      // what was acknowledged is already on disk; closing only stops the engine's timers
      void running.close().catch(() => undefined);
    },
  };
}
