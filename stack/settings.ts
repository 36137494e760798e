// Where the local stack keeps its files and which versions it pins. Ports come from the app's
// own configuration (src/platform/config.ts), so the stack always binds what the farm will call.
import { createHash } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { addressPort, loadConfig, type Config } from '../src/platform/config.ts';

export const VERSIONS = {
  kafka: process.env.STACK_KAFKA_VERSION ?? '3.9.2',
  /** maven-dependency-plugin pinned: Maven 3.8's default one is too old for copy/unpack. */
  dependencyPlugin: '3.8.1',
} as const;

/** Roles of the fulfillment APIs (intake and operator): what a bearer token's `roles` claim names. */
export const API_ROLES = ['intake', 'operator', 'viewer'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/**
 * The development API clients the stack's engine issues tokens to, one per role (never used in
 * production: there an OIDC provider issues the tokens). Ids and secrets are development settings,
 * overridable per role (STACK_API_<ROLE>_CLIENT_ID / _SECRET) when a test needs others.
 */
export interface ApiClient {
  readonly role: ApiRole;
  readonly clientId: string;
  readonly clientSecret: string;
}

export function devApiClients(env: NodeJS.ProcessEnv = process.env): readonly ApiClient[] {
  return API_ROLES.map((role) => {
    const prefix = `STACK_API_${role.toUpperCase()}_CLIENT`;
    return { role, clientId: env[`${prefix}_ID`] || `dev-${role}-client`, clientSecret: env[`${prefix}_SECRET`] || `dev-${role}-client-secret` };
  });
}

export interface StackSettings {
  readonly config: Config;
  /** Data, logs and pid files of every component: one folder, removed by `stack:down --purge`. */
  readonly dir: string;
  /** Downloads (Kafka's jars): outside the repo, kept across clones. */
  readonly cacheDir: string;
  readonly ports: {
    readonly postgres: number;
    readonly kafka: number;
    readonly kafkaController: number;
    /** the engine's REST API v2 (ZEEBE_REST_ADDRESS) and gRPC gateway (ZEEBE_GRPC_ADDRESS) */
    readonly engineRest: number;
    readonly engineGrpc: number;
  };
  readonly heap: { readonly kafka: string };
  /** PostgreSQL syncs its WAL to disk (STACK_POSTGRES_FSYNC=on): off by default for fast tests, on for benches. */
  readonly postgresFsync: boolean;
  /** the API clients (intake, operator, viewer) the engine's token endpoint serves, audience config.API_TOKEN_AUDIENCE */
  readonly apiClients: readonly ApiClient[];
}

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`${name}=${raw} is not a port number`);
  return n;
};

const isRoot = () => process.getuid?.() === 0;

/** True when every folder from / down to dir can be traversed by other users (o+x). */
function traversableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    try {
      accessSync(current, constants.F_OK);
      const { mode } = statSync(current);
      if ((mode & 0o001) === 0) return false;
    } catch {
      // a folder not created yet inherits what its parents allow
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/**
 * PostgreSQL refuses to run as root, so a root-started stack runs them as an
 * unprivileged account, which must reach their folders: when the repo sits below a private home
 * folder, the stack folder moves to /var/tmp (printed by `stack:up`).
 */
function defaultStackDir(root: string): string {
  const inRepo = path.join(root, '.stack');
  if (!isRoot() || traversableByOthers(root)) return inRepo;
  return path.join('/var/tmp', `fulfillment-farm-stack-${createHash('sha1').update(root).digest('hex').slice(0, 8)}`);
}

function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (isRoot()) return '/var/cache/fulfillment-farm';
  return path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'fulfillment-farm');
}

export function stackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const config = loadConfig(env);
  const root = path.resolve(import.meta.dirname, '..');
  const kafka = config.KAFKA_BROKERS[0] ?? '127.0.0.1:19092';
  const kafkaPort = Number(kafka.split(':')[1]);
  return {
    config,
    dir: path.resolve(env.STACK_DIR ?? defaultStackDir(root)),
    cacheDir: path.resolve(env.STACK_CACHE_DIR ?? defaultCacheDir(env)),
    ports: {
      postgres: Number(new URL(config.DATABASE_URL).port || 5432),
      kafka: kafkaPort,
      kafkaController: num('STACK_KAFKA_CONTROLLER_PORT', kafkaPort + 1),
      engineRest: addressPort(config.ZEEBE_REST_ADDRESS),
      engineGrpc: addressPort(config.ZEEBE_GRPC_ADDRESS),
    },
    heap: {
      kafka: env.STACK_KAFKA_HEAP ?? '512m',
    },
    postgresFsync: env.STACK_POSTGRES_FSYNC === 'on',
    apiClients: devApiClients(env),
  };
}
