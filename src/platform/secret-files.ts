// Secrets as files: every setting that holds a credential may be given as `<NAME>_FILE`, the path of
// a file holding the value (a Kubernetes Secret or Docker secret mounted read-only), so the value
// never sits in the process environment or a manifest. Files are read when the configuration is
// loaded; a rotated file is picked up at the next start. Errors name the variable, never the value.
import { readFileSync } from 'node:fs';

/** Settings holding a credential: never a literal in a manifest, always possible as a file. */
export const SECRET_SETTINGS = [
  'DATABASE_PASSWORD',
  'PROVISIONING_SIGNING_SECRETS',
  'ZEEBE_CLIENT_SECRET',
  'CAMUNDA_BASIC_AUTH_PASSWORD',
  'CRM_API_KEY',
  'INVENTORY_TOKEN',
  'PROVISIONING_PASSWORD',
  'BILLING_TOKEN',
  'NOTIFICATION_API_KEY',
] as const;

/**
 * Settings that may come from a file: every credential, and DATABASE_URL, which deployments used to
 * keep in a Secret while it held the password (it holds none now: DATABASE_PASSWORD does).
 */
export const FILE_SETTINGS = [...SECRET_SETTINGS, 'DATABASE_URL'] as const;

export type SecretFilesResult =
  | { readonly kind: 'ok'; readonly env: NodeJS.ProcessEnv }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Returns the environment with each `<NAME>_FILE` replaced by the file's content (trailing newline dropped). */
export function resolveSecretFiles(env: NodeJS.ProcessEnv, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): SecretFilesResult {
  const out: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of FILE_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}: give ${name} or ${name}_FILE, not both`);
      continue;
    }
    let value: string;
    try {
      value = read(file).replace(/\r?\n$/, '');
    } catch (err) {
      problems.push(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    if (!value) problems.push(`${name}_FILE: ${file} is empty`);
    else out[name] = value;
    delete out[`${name}_FILE`];
  }
  return problems.length ? { kind: 'invalid', problems } : { kind: 'ok', env: out };
}
