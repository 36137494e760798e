// How each external system wants to be authenticated (seed 000 §25: the adapter owns credential
// usage). A credential is one secret string per tenant and system (credentials.ts); this turns it
// into the system's headers, and names every form of it that must never be stored or logged.
import type { ExternalSystem } from '../core/ports/external-result.ts';
import type { Config } from '../platform/config.ts';

const SCHEME: Readonly<Record<ExternalSystem, 'api-key' | 'bearer' | 'basic'>> = {
  CRM: 'api-key',
  INVENTORY: 'bearer',
  PROVISIONING: 'basic',
  BILLING: 'bearer',
  NOTIFICATION: 'api-key',
};

/** The headers that carry the secret; for Basic auth the secret is `user:password`. */
export function authHeaders(system: ExternalSystem, secret: string): Record<string, string> {
  switch (SCHEME[system]) {
    case 'api-key':
      return { 'x-api-key': secret };
    case 'bearer':
      return { authorization: `Bearer ${secret}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(secret, 'utf8').toString('base64')}` };
  }
}

/** Every spelling of the secret that could surface in text (the secret, its password part, the header values). */
export function secretForms(system: ExternalSystem, secret: string): string[] {
  const forms = [secret, ...Object.values(authHeaders(system, secret))];
  if (SCHEME[system] === 'basic' && secret.includes(':')) forms.push(secret.slice(secret.indexOf(':') + 1), Buffer.from(secret, 'utf8').toString('base64'));
  return forms;
}

/** The farm's own credentials (auth_profile SHARED), from the configuration. */
export function sharedCredentials(config: Config): Readonly<Record<ExternalSystem, string>> {
  return {
    CRM: config.CRM_API_KEY,
    INVENTORY: config.INVENTORY_TOKEN,
    PROVISIONING: `${config.PROVISIONING_USERNAME}:${config.PROVISIONING_PASSWORD}`,
    BILLING: config.BILLING_TOKEN,
    NOTIFICATION: config.NOTIFICATION_API_KEY,
  };
}
