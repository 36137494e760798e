// What a production process refuses to start with (NODE_ENV=production). The defaults in config.ts
// make a development start need no settings at all; in production a default that points at the
// local stack or a development credential would run silently against the wrong thing, so each
// process names every such setting it depends on, in one message, and stops. Reads the raw
// environment (after *_FILE secrets are resolved, before zod applies defaults): a variable that is
// present was set on purpose, one that is absent would be a default. Messages name variables,
// never values.

/** The processes of the farm (src/main/*.ts); each depends on a part of the configuration. */
export const CONFIG_PURPOSES = ['farm', 'intake', 'relay', 'ops', 'migrate'] as const;
export type ConfigPurpose = (typeof CONFIG_PURPOSES)[number];

/** The parts of the outside world a process talks to. */
type Dependency = 'database' | 'engine' | 'kafka' | 'external-systems' | 'provider-signatures' | 'api-tokens';

interface Settings {
  /** addresses whose defaults point at the local stack: required explicitly */
  readonly addresses: readonly string[];
  /** credentials: required explicitly (as <NAME> or <NAME>_FILE), and never a development value */
  readonly secrets: readonly string[];
  /** other settings whose default only suits development */
  readonly choices: readonly string[];
}

const SETTINGS: Record<Dependency, Settings> = {
  database: { addresses: ['DATABASE_URL'], secrets: ['DATABASE_PASSWORD'], choices: [] },
  // NONE (no engine authentication) is the local engine's default: production says so explicitly
  engine: { addresses: ['ZEEBE_GRPC_ADDRESS', 'ZEEBE_REST_ADDRESS'], secrets: [], choices: ['CAMUNDA_AUTH_STRATEGY'] },
  kafka: { addresses: ['KAFKA_BROKERS'], secrets: [], choices: [] },
  'external-systems': {
    addresses: ['CRM_URL', 'INVENTORY_URL', 'PROVISIONING_URL', 'BILLING_URL', 'NOTIFICATION_URL', 'PROVISIONING_CALLBACK_URL'],
    secrets: ['CRM_API_KEY', 'INVENTORY_TOKEN', 'PROVISIONING_PASSWORD', 'BILLING_TOKEN', 'NOTIFICATION_API_KEY'],
    choices: ['PROVISIONING_USERNAME'],
  },
  'provider-signatures': { addresses: [], secrets: ['PROVISIONING_SIGNING_SECRETS'], choices: [] },
  'api-tokens': { addresses: ['API_JWKS_URL', 'API_TOKEN_ISSUER', 'API_TOKEN_URL'], secrets: [], choices: [] },
};

/**
 * What each process depends on. migrate: the database only. The farm's Kafka is its event side
 * (outbox relay, provisioning results), off with FARM_EVENTS=off; the intake verifies provider
 * callbacks and bearer tokens; ops reads and acts through the engine.
 */
function dependenciesOf(purpose: ConfigPurpose | undefined, env: NodeJS.ProcessEnv): readonly Dependency[] {
  switch (purpose) {
    case 'migrate':
      return ['database'];
    case 'relay':
      return ['database', 'kafka'];
    case 'ops':
      return ['database', 'engine'];
    case 'intake':
      return ['database', 'engine', 'api-tokens', 'provider-signatures'];
    case 'farm':
      return ['database', 'engine', 'external-systems', 'provider-signatures', ...(env.FARM_EVENTS === 'off' ? [] : (['kafka'] as const))];
    case undefined:
      // a library reading the settings again inside a running process (an inbox limit, a default
      // parameter): its entry point named the process and checked them; only the URLs are checked
      return [];
  }
}

/** Every setting that holds a URL; none may carry credentials in production. */
const URL_SETTINGS = ['DATABASE_URL', 'ZEEBE_GRPC_ADDRESS', 'ZEEBE_REST_ADDRESS', 'CAMUNDA_OAUTH_URL', 'PROVISIONING_CALLBACK_URL', 'CRM_URL', 'INVENTORY_URL', 'PROVISIONING_URL', 'BILLING_URL', 'NOTIFICATION_URL', 'API_JWKS_URL', 'API_TOKEN_URL'] as const;

/** Secret settings may come from files (secret-files.ts): the message offers both names. */
export const secretName = (name: string): string => `${name} (or ${name}_FILE)`;

/** One refused setting: its name (for callers that list them) and the line that says why. */
export interface ProductionProblem {
  readonly variable: string;
  readonly message: string;
}

const present = (env: NodeJS.ProcessEnv, name: string) => env[name] !== undefined;

/** The parts of a URL setting that must stay out of it: 'password' (DATABASE_URL) or any 'userinfo' (the others). */
function credentialsIn(name: string, value: string): 'password' | 'userinfo' | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value.replace(/^grpcs?:/, 'http:'));
  } catch {
    return undefined; // a malformed URL is the schema's to report
  }
  if (parsed.password) return 'password';
  if (name !== 'DATABASE_URL' && parsed.username) return 'userinfo';
  return undefined;
}

/**
 * The settings a production process of this purpose may not start with. developmentValues: the
 * development credentials (config.ts's defaults, DEVELOPMENT_CREDENTIALS), refused even when set.
 */
export function productionProblems(env: NodeJS.ProcessEnv, purpose: ConfigPurpose | undefined, developmentValues: Readonly<Record<string, readonly string[]>>): ProductionProblem[] {
  const problems: ProductionProblem[] = [];
  const refuse = (variable: string, message: string) => problems.push({ variable, message });
  for (const dependency of dependenciesOf(purpose, env)) {
    const { addresses, secrets, choices } = SETTINGS[dependency];
    for (const name of addresses) if (!present(env, name)) refuse(name, `${name}: not set (its default is the local development stack)`);
    for (const name of choices) if (!present(env, name)) refuse(name, `${name}: not set (its default suits development only)`);
    for (const name of secrets) {
      const value = env[name];
      if (value === undefined) refuse(name, `${secretName(name)}: not set (the development default is refused in production)`);
      else if (isDevelopmentValue(value, developmentValues[name] ?? [])) refuse(name, `${secretName(name)}: holds a development value`);
    }
    if (dependency === 'api-tokens' && env.API_AUTH === 'off') refuse('API_AUTH', 'API_AUTH: off is refused in production (every API request needs a bearer token: API_AUTH=jwt)');
  }
  for (const name of URL_SETTINGS) {
    const value = env[name];
    const found = value === undefined ? undefined : credentialsIn(name, value);
    if (found === 'password' && name === 'DATABASE_URL') refuse(name, `DATABASE_URL: holds a password; give the URL without it and the password as ${secretName('DATABASE_PASSWORD')}`);
    else if (found) refuse(name, `${name}: holds credentials in the URL; give them in their own settings (secrets as <NAME>_FILE)`);
  }
  return problems;
}

/** A comma-separated secret (PROVISIONING_SIGNING_SECRETS) is a development value if any of its parts is. */
function isDevelopmentValue(value: string, known: readonly string[]): boolean {
  const parts = value.split(',').map((p) => p.trim());
  return parts.some((p) => known.includes(p));
}
