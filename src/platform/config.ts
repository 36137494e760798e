// The one configuration module: every entry point (farm, intake, simulators, demo, stack scripts,
// tests) reads its settings through loadConfig(), so a default changed here changes everywhere.
// Defaults match the local stack started by `npm run stack:up`; with NODE_ENV=production a process
// refuses every default it depends on that points at that stack or is a development credential
// (production-config.ts).
import { z } from 'zod';
import { productionProblems, secretName, type ConfigPurpose } from './production-config.ts';
import { registerSecretValues } from './redaction.ts';
import { resolveSecretFiles, SECRET_SETTINGS } from './secret-files.ts';

export type { ConfigPurpose };

/**
 * Development credentials: the defaults below, matching the simulators and the local stack. A
 * production process refuses them even when set explicitly.
 */
export const DEVELOPMENT_CREDENTIALS = {
  DATABASE_PASSWORD: 'farm',
  CRM_API_KEY: 'dev-crm-key',
  INVENTORY_TOKEN: 'dev-inventory-token',
  PROVISIONING_PASSWORD: 'dev-provisioning-password',
  BILLING_TOKEN: 'dev-billing-token',
  NOTIFICATION_API_KEY: 'dev-notify-key',
  PROVISIONING_SIGNING_SECRETS: 'dev-provisioning-signing-secret',
} as const;

const url = z.url();
const port = z.coerce.number().int().min(1).max(65_535);
const csv = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'expected host:port')).min(1));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Zeebe gateway gRPC address; the scheme decides TLS (grpc:// plain, grpcs:// TLS). */
  ZEEBE_GRPC_ADDRESS: z.string().regex(/^grpcs?:\/\/[^:]+:\d+$/, 'expected grpc://host:port').default('grpc://127.0.0.1:26500'),
  /** Deadline of one gRPC command (complete, fail, publish, …) to the gateway: a hung engine never holds a job forever. */
  ZEEBE_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Orchestration cluster REST API (v2) base URL. */
  ZEEBE_REST_ADDRESS: url.default('http://127.0.0.1:8080'),
  /**
   * How API clients authenticate (the names the Camunda SDKs read, so pointing the farm at a
   * Camunda 8 cluster needs no code change). NONE: the local engine of the stack. OAUTH: a
   * client-credentials token from CAMUNDA_OAUTH_URL on every gRPC and REST call (Camunda SaaS,
   * Self-Managed with Identity, or the local engine with OAuth on). BASIC: Self-Managed basic auth.
   */
  CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'OAUTH', 'BASIC']).default('NONE'),
  CAMUNDA_OAUTH_URL: url.optional(),
  ZEEBE_CLIENT_ID: z.string().min(1).optional(),
  ZEEBE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Audience of the token (SaaS: zeebe.camunda.io); CAMUNDA_TOKEN_AUDIENCE is read as well. */
  ZEEBE_TOKEN_AUDIENCE: z.string().min(1).optional(),
  CAMUNDA_TOKEN_AUDIENCE: z.string().min(1).optional(),
  CAMUNDA_TOKEN_SCOPE: z.string().min(1).optional(),
  CAMUNDA_BASIC_AUTH_USERNAME: z.string().min(1).optional(),
  CAMUNDA_BASIC_AUTH_PASSWORD: z.string().min(1).optional(),
  /**
   * Where the database is, without the password (that is DATABASE_PASSWORD). Outside production a
   * password in the URL is still taken (moved into DATABASE_PASSWORD); production refuses it.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user@host:port/database')
    .default('postgres://farm@127.0.0.1:55432/fulfillment'),
  /** Password of DATABASE_URL's user (DATABASE_PASSWORD_FILE in Kubernetes); never part of a URL. */
  DATABASE_PASSWORD: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.DATABASE_PASSWORD),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: csv.default(['127.0.0.1:19092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('fulfillment-farm'),
  /** Jobs one farm process runs at once. */
  FARM_MAX_CONCURRENT_JOBS: z.coerce.number().int().min(1).max(1_000).default(32),
  /** Job timeout (seed 000 §7.1: 5 minutes); must exceed one external call's budget. */
  FARM_JOB_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(300_000),
  /**
   * On SIGTERM, how long running jobs may take to finish before the process exits: unset = the job
   * timeout (past it the engine re-offers the jobs anyway); a value above the job timeout is cut to it.
   */
  FARM_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  /** Whether this farm process also runs the outbox relay and the provisioning results consumer. */
  FARM_EVENTS: z.enum(['on', 'off']).default('on'),
  /** Outbox rows the relay publishes per Kafka request. */
  OUTBOX_RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(200),
  /** Comma-separated job types this process serves (role-based replicas); empty = all. */
  FARM_JOB_TYPES: z.string().default('').transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean)),
  /** The farm's operations server (GET /metrics, /health/live, /health/ready); port 0 = any free port. */
  FARM_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  FARM_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** How long one health check (engine, database, Kafka) may take before it counts as failed. */
  HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2_000),
  /** How often a waiting provisioning request is polled (ISO 8601 repeating interval), and when its SLA is breached. */
  PROVISIONING_POLL_CYCLE: z.string().regex(/^R(\d*)\/P/, 'an ISO 8601 repeating interval such as R/PT5M').default('R/PT5M'),
  PROVISIONING_SLA: z.string().regex(/^P/, 'an ISO 8601 duration such as PT2H').default('PT2H'),
  /** How many times the reconciler asks an external system before a person decides. */
  RECONCILIATION_MAX_CHECKS: z.coerce.number().int().min(1).max(100).default(5),
  /**
   * How long after a call went unanswered "not found" at a system that does not deduplicate (the
   * notification provider) still means "not yet": the request may be carried out late, and a
   * re-send there would be a second message. Until then the check answers UNKNOWN.
   */
  RECONCILIATION_ABSENCE_SETTLE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Wait between two checks of a case whose external state is still unknown (ISO 8601 duration). */
  RECONCILIATION_RECHECK_DELAY: z.string().regex(/^P/, 'an ISO 8601 duration such as PT30S').default('PT30S'),
  /** Order intake and callback HTTP server. */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  /** Where external systems call back with asynchronous results (the intake's callback route). */
  PROVISIONING_CALLBACK_URL: url.default('http://127.0.0.1:3000/callbacks/provisioning'),

  // External systems (simulated locally by simulators/, one server with a prefix per system).
  SIMULATOR_PORT: port.default(4010),
  CRM_URL: url.default('http://127.0.0.1:4010/crm'),
  INVENTORY_URL: url.default('http://127.0.0.1:4010/inventory'),
  PROVISIONING_URL: url.default('http://127.0.0.1:4010/provisioning'),
  BILLING_URL: url.default('http://127.0.0.1:4010/billing'),
  NOTIFICATION_URL: url.default('http://127.0.0.1:4010/notify'),
  /** Seed 000 §7.1 timeout budget of one external call. */
  EXTERNAL_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  EXTERNAL_RESPONSE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  // Credentials of the external systems (development defaults match the simulators; production
  // values come from the environment or *_FILE secret files (secret-files.ts), never from code).
  CRM_API_KEY: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.CRM_API_KEY),
  INVENTORY_TOKEN: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.INVENTORY_TOKEN),
  PROVISIONING_USERNAME: z.string().min(1).default('farm'),
  PROVISIONING_PASSWORD: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.PROVISIONING_PASSWORD),
  BILLING_TOKEN: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.BILLING_TOKEN),
  NOTIFICATION_API_KEY: z.string().min(1).default(DEVELOPMENT_CREDENTIALS.NOTIFICATION_API_KEY),
  /**
   * Provider signatures (HMAC-SHA256 over "<timestamp>.<body>"): comma-separated secrets of the
   * provisioning provider. Every one verifies (rotation: old and new are valid at once); the first
   * is the one a provider (the simulator) signs with. Covers callbacks and Kafka results.
   */
  PROVISIONING_SIGNING_SECRETS: z
    .string()
    .default(DEVELOPMENT_CREDENTIALS.PROVISIONING_SIGNING_SECRETS)
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(16, 'a signing secret needs at least 16 characters')).min(1).max(4)),
  /** Replay window: a signed timestamp older or newer than this many seconds is refused. */
  PROVISIONING_SIGNATURE_TOLERANCE_S: z.coerce.number().int().min(1).max(3_600).default(300),
  /**
   * Bearer tokens on the intake, callback-free APIs (orders, operator): jwt = every request needs a
   * JWT valid against API_JWKS_URL; off = no check (development only; refused in production).
   */
  API_AUTH: z.enum(['jwt', 'off']).default('jwt'),
  /** JWKS of the token issuer: the local engine's token endpoint here, any OIDC provider in production. */
  API_JWKS_URL: url.default('http://127.0.0.1:8080/.well-known/jwks.json'),
  API_TOKEN_ISSUER: z.string().min(1).default('local-engine'),
  API_TOKEN_AUDIENCE: z.string().min(1).default('fulfillment-api'),
  /** Claim holding the caller's roles (an array or a space-separated string); the `scope` claim is read too. */
  API_ROLES_CLAIM: z.string().min(1).default('roles'),
  /** Client-credentials token endpoint the console's sign-in form exchanges a client id and secret at (the local engine's here). */
  API_TOKEN_URL: url.default('http://127.0.0.1:8080/oauth/token'),
  /** Per-client intake rate limit (token bucket): sustained requests per second and burst. */
  INTAKE_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  INTAKE_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(200),
  /** How long the intake waits for the engine to accept a start before it answers 503 with Retry-After. */
  INTAKE_ENGINE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Order starts the intake keeps waiting on the engine at once; past it new orders get 503 with Retry-After at once (load shedding). */
  INTAKE_MAX_PENDING_STARTS: z.coerce.number().int().min(1).max(100_000).default(256),
  /** Largest response body an adapter reads from an external system; a bigger one is a malformed response. */
  EXTERNAL_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1_024).max(64 * 1024 * 1024).default(1024 * 1024),
  /** Times an inbox event's handler may fail before the event is parked for an operator. */
  INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(10),
  /** Per-tenant credentials (auth_profile TENANT): a folder per tenant with one file per system (src/integration/registry/credentials.ts). */
  CREDENTIALS_DIR: z.string().min(1).optional(),
  /** How long a tenant's adapter registry rows and secrets are cached (0: read on every call). */
  INTEGRATION_CONFIG_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The variables refused, by name (never their values). */
  readonly variables: readonly string[];
  constructor(message: string, variables: readonly string[] = []) {
    super(message);
    this.variables = variables;
  }
}

interface Refusal {
  readonly variable: string;
  readonly message: string;
}

/**
 * Parses the environment; a bad value fails fast with every offending variable named. purpose: the
 * process (farm, intake, relay, ops, migrate) whose requirements apply under NODE_ENV=production
 * (entry points name theirs: src/main/process-config.ts); left out, as by code reading the settings
 * again inside a running process, production only refuses credentials in URLs.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, purpose?: ConfigPurpose): Config {
  const files = resolveSecretFiles(env);
  if (files.kind === 'invalid') throw new ConfigError(`invalid configuration:\n${files.problems.map((p) => `  ${p}`).join('\n')}`, files.problems.map((p) => p.split(':')[0] ?? p));
  const raw = files.env;
  const production = raw.NODE_ENV === 'production';
  const result = configSchema.safeParse(raw);
  const refusals: Refusal[] = result.success ? missingCredentials(result.data) : result.error.issues.map((i) => ({ variable: i.path.join('.'), message: `${i.path.join('.')}: ${i.message}` }));
  if (production) refusals.push(...productionProblems(raw, purpose, DEVELOPMENT_VALUES));
  else if (result.success) refusals.push(...passwordGivenTwice(result.data.DATABASE_URL, raw));
  if (refusals.length || !result.success) {
    const header = production ? `invalid configuration for production${purpose ? ` (${purpose})` : ''}` : 'invalid configuration';
    throw new ConfigError(`${header}:\n${refusals.map((r) => `  ${r.message}`).join('\n')}`, [...new Set(refusals.map((r) => r.variable))]);
  }
  return passwordOutOfUrl(result.data);
}

/** Known development values per secret setting (a refused value in production). */
const DEVELOPMENT_VALUES: Record<string, readonly string[]> = Object.fromEntries(Object.entries(DEVELOPMENT_CREDENTIALS).map(([name, value]) => [name, [value]]));

/** The credentials the chosen strategy needs and the environment lacks (named, so a start fails with all of them). */
function missingCredentials(config: Config): Refusal[] {
  const required: Record<Config['CAMUNDA_AUTH_STRATEGY'], (keyof Config)[]> = {
    NONE: [],
    OAUTH: ['CAMUNDA_OAUTH_URL', 'ZEEBE_CLIENT_ID', 'ZEEBE_CLIENT_SECRET'],
    BASIC: ['CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD'],
  };
  const secret = new Set<string>(['ZEEBE_CLIENT_SECRET', 'CAMUNDA_BASIC_AUTH_PASSWORD']);
  return required[config.CAMUNDA_AUTH_STRATEGY]
    .filter((name) => config[name] === undefined)
    .map((name) => ({ variable: name, message: `${secret.has(name) ? secretName(name) : name}: required when CAMUNDA_AUTH_STRATEGY=${config.CAMUNDA_AUTH_STRATEGY}` }));
}

/** Outside production a password in DATABASE_URL is taken, unless DATABASE_PASSWORD is set as well: which one would be meant? */
function passwordGivenTwice(databaseUrl: string, raw: NodeJS.ProcessEnv): Refusal[] {
  if (!new URL(databaseUrl).password || raw.DATABASE_PASSWORD === undefined) return [];
  return [{ variable: 'DATABASE_URL', message: `DATABASE_URL: holds a password and ${secretName('DATABASE_PASSWORD')} is set too; give the password once, as DATABASE_PASSWORD` }];
}

/** DATABASE_URL without its password, the password in DATABASE_PASSWORD: the URL can then be printed. */
function passwordOutOfUrl(config: Config): Config {
  const url = new URL(config.DATABASE_URL);
  if (!url.password) return config;
  const password = decodeURIComponent(url.password);
  url.password = '';
  return { ...config, DATABASE_URL: url.toString(), DATABASE_PASSWORD: password };
}

/**
 * Registers the credentials a process holds with the redaction policy, so no log line, error or
 * event shows one even where it is echoed back as free text. Development values are left out: they
 * are public, and short ones ('farm', also the database user's name) are words of ordinary log lines.
 */
export function redactConfiguredSecrets(config: Config): void {
  const development = new Set<string>(Object.values(DEVELOPMENT_CREDENTIALS));
  const values = SECRET_SETTINGS.flatMap((name) => {
    const value: string | readonly string[] | undefined = config[name];
    return value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
  });
  registerSecretValues(values.filter((v) => !development.has(v)));
}

/** host:port parts of a URL-ish address, used by the stack to bind what the app will call. */
export function addressPort(address: string): number {
  const parsed = new URL(address.replace(/^grpcs?:/, 'http:'));
  if (!parsed.port) throw new ConfigError(`address ${address} has no explicit port`);
  return Number(parsed.port);
}
