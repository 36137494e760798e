// Where the local stack keeps its files and which versions it pins. Ports come from the app's
// own configuration (src/platform/config.ts), so the stack always binds what the farm will call.
import { createHash } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { addressPort, loadConfig, type Config } from '../src/platform/config.ts';

export const VERSIONS = {
  /** Newest Camunda 8 distribution archive the reachable Maven Central serves (see README). */
  camunda: process.env.STACK_CAMUNDA_VERSION ?? '8.6.0',
  kafka: process.env.STACK_KAFKA_VERSION ?? '3.9.2',
  opensearch: process.env.STACK_OPENSEARCH_VERSION ?? '2.19.3',
  /** maven-dependency-plugin pinned: Maven 3.8's default one is too old for copy/unpack. */
  dependencyPlugin: '3.8.1',
} as const;

export interface StackSettings {
  readonly config: Config;
  /** Data, logs and pid files of every component: one folder, removed by `stack:down --purge`. */
  readonly dir: string;
  /** Downloads (Camunda distribution, Kafka and OpenSearch jars): outside the repo, kept across clones. */
  readonly cacheDir: string;
  readonly ports: {
    readonly postgres: number;
    readonly kafka: number;
    readonly kafkaController: number;
    readonly opensearch: number;
    readonly opensearchTransport: number;
    readonly camundaHttp: number;
    readonly camundaGrpc: number;
    readonly camundaManagement: number;
    readonly camundaInternal: number;
    readonly camundaCommand: number;
  };
  readonly heap: { readonly camunda: string; readonly kafka: string; readonly opensearch: string };
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
 * PostgreSQL and OpenSearch refuse to run as root, so a root-started stack runs them as an
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
      opensearch: addressPort(config.SECONDARY_STORAGE_URL),
      opensearchTransport: num('STACK_OPENSEARCH_TRANSPORT_PORT', addressPort(config.SECONDARY_STORAGE_URL) + 100),
      camundaHttp: addressPort(config.ZEEBE_REST_ADDRESS),
      camundaGrpc: addressPort(config.ZEEBE_GRPC_ADDRESS),
      camundaManagement: addressPort(config.CAMUNDA_MANAGEMENT_ADDRESS),
      camundaInternal: num('STACK_CAMUNDA_INTERNAL_PORT', 26502),
      camundaCommand: num('STACK_CAMUNDA_COMMAND_PORT', 26501),
    },
    heap: {
      camunda: env.STACK_CAMUNDA_HEAP ?? '2g',
      kafka: env.STACK_KAFKA_HEAP ?? '512m',
      opensearch: env.STACK_OPENSEARCH_HEAP ?? '1g',
    },
  };
}
