// `npm run engine`: the engine as a process, for the stack and for people running the farm by
// hand. Flags win over environment variables; SIGTERM/SIGINT stop it cleanly (journal flushed).
import { enableCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { z } from 'zod';
import type { OAuthClient } from './auth/oauth.ts';
import type { StartEngineOptions } from './start.ts';


const HELP = `npm run engine -- [options]

The project's local Zeebe-compatible engine: gRPC gateway (the SDK's proto) and REST API v2.

  --grpc-port <n>       gRPC port (env ENGINE_GRPC_PORT, default 26500; 0 = any free port)
  --rest-port <n>       REST port (env ENGINE_REST_PORT, default 8080; 0 = any free port)
  --host <address>      interface to bind (env ENGINE_HOST, default 0.0.0.0)
  --data-dir <dir>      keep state in a journal there, surviving kill -9 (env ENGINE_DATA_DIR; default: memory only)
  --oauth <on|off|issuer>
                        on: serve POST /oauth/token and the JWKS, and require its bearer tokens on gRPC and
                        REST; issuer: serve the token endpoint and JWKS only (tokens for other APIs' clients),
                        the engine stays open; off: neither (env ENGINE_OAUTH; default off, but on when a
                        client id and secret are given, issuer when only API clients are given)
  --client-id <id>      the OAuth client allowed to get tokens (env ENGINE_OAUTH_CLIENT_ID, default engine-client)
  --client-secret <s>   its secret (env ENGINE_OAUTH_CLIENT_SECRET, default engine-secret)
  --audience <aud>      the audience tokens carry and calls must present (env ENGINE_OAUTH_AUDIENCE; default: not checked)
  env ENGINE_OAUTH_API_CLIENTS
                        more clients, for APIs that take this engine's tokens: a JSON array of
                        {"clientId","clientSecret","roles":[...],"audience"}; roles go in the token's "roles"
                        claim, audience (optional) is its "aud". Environment only, so secrets stay out of ps.
  --log-level <level>   pino level (env ENGINE_LOG_LEVEL, default info)
  --help                this text
`;

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new Error(`${name} must be a port number (0-65535), got '${value}'`);
  return parsed;
}

type OAuthMode = 'on' | 'off' | 'issuer';

function oauthMode(name: string, value: string | undefined, fallback: OAuthMode): OAuthMode {
  if (value === undefined || value === '') return fallback;
  if (/^issuer$/i.test(value)) return 'issuer';
  return onOff(name, value, false) ? 'on' : 'off';
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(off|false|0|no)$/i.test(value)) return false;
  if (/^(on|true|1|yes)$/i.test(value)) return true;
  throw new Error(`${name} must be on or off, got '${value}'`);
}

export function optionsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): StartEngineOptions & { help: boolean; logLevel: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'grpc-port': { type: 'string' },
      'rest-port': { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      oauth: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      audience: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const clientId = values['client-id'] ?? env['ENGINE_OAUTH_CLIENT_ID'];
  const clientSecret = values['client-secret'] ?? env['ENGINE_OAUTH_CLIENT_SECRET'];
  const apiClients = apiClientsFrom(env['ENGINE_OAUTH_API_CLIENTS']);
  // the stack passes only the client it configured the farm with: that alone turns OAuth on;
  // API clients alone make the engine an issuer for them and nothing more
  const fallbackMode: OAuthMode = clientId && clientSecret ? 'on' : apiClients.length > 0 ? 'issuer' : 'off';
  const mode = oauthMode('--oauth / ENGINE_OAUTH', values.oauth ?? env['ENGINE_OAUTH'], fallbackMode);
  const audience = values.audience ?? env['ENGINE_OAUTH_AUDIENCE'];
  const engineClients = mode === 'on' || (clientId && clientSecret) ? [{ clientId: clientId || 'engine-client', clientSecret: clientSecret || 'engine-secret' }] : [];
  const dataDir = values['data-dir'] ?? env['ENGINE_DATA_DIR'];
  return {
    help: values.help === true,
    logLevel: values['log-level'] ?? env['ENGINE_LOG_LEVEL'] ?? 'info',
    grpcPort: port('--grpc-port / ENGINE_GRPC_PORT', values['grpc-port'] ?? env['ENGINE_GRPC_PORT'], 26500),
    restPort: port('--rest-port / ENGINE_REST_PORT', values['rest-port'] ?? env['ENGINE_REST_PORT'], 8080),
    host: values.host ?? env['ENGINE_HOST'] ?? '0.0.0.0',
    dataDir: dataDir ? dataDir : undefined,
    oauth:
      mode === 'off'
        ? undefined
        : { clients: [...engineClients, ...apiClients], audience: audience || undefined, ...(mode === 'issuer' ? { requireTokens: false } : {}) },
  };
}

const apiClient = z.strictObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  roles: z.array(z.string().min(1)).optional(),
  audience: z.string().min(1).optional(),
});

/** ENGINE_OAUTH_API_CLIENTS read; a refusal names the variable and the field, never a secret. */
function apiClientsFrom(raw: string | undefined): OAuthClient[] {
  if (raw === undefined || raw.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('ENGINE_OAUTH_API_CLIENTS must be a JSON array of {"clientId","clientSecret","roles","audience"}; it is not JSON');
  }
  const read = z.array(apiClient).safeParse(parsed);
  if (!read.success) throw new Error(`ENGINE_OAUTH_API_CLIENTS is invalid: ${read.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return read.data;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof optionsFrom>;
  try {
    options = optionsFrom(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  const log = pino({ name: 'engine', level: options.logLevel });
  // V8's code cache on disk (NODE_COMPILE_CACHE picks the folder): loading the engine's modules is
  // most of a start, and a restart after a crash is when that time counts
  enableCompileCache();
  const { startEngine } = await import('./start.ts');
  const started = Date.now();
  const running = await startEngine({ ...options, log });
  log.info({ address: running.grpcAddress, port: running.grpcPort }, `gRPC gateway listening on ${running.grpcAddress}`);
  log.info({ address: running.restAddress, port: running.restPort }, `REST API v2 listening on ${running.restAddress}`);
  log.info({ ms: Date.now() - started, dataDir: options.dataDir ?? null, oauth: options.oauth === undefined ? 'off' : options.oauth.requireTokens === false ? 'issuer' : 'on' }, 'engine ready');

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without a clean stop');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    running.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: (error as Error).message }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`engine failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
