// Test support: provisioning callbacks signed the way the provider signs them (the first of
// PROVISIONING_SIGNING_SECRETS, as the simulators do), for suites that POST /callbacks/provisioning.
import { signProvisioningPayload } from '../../src/adapters/provisioning/signature.ts';
import { loadConfig } from '../../src/platform/config.ts';

/** The provider's current secret: what the simulators sign with. */
export const providerSigningSecret = (): string => loadConfig().PROVISIONING_SIGNING_SECRETS[0] ?? '';

/** Content type and signature headers for this exact body text. */
export const signedCallbackHeaders = (body: string, now: Date = new Date(), secret: string = providerSigningSecret()): Record<string, string> => ({
  'content-type': 'application/json',
  ...signProvisioningPayload(body, secret, now),
});

/** POSTs `callback` as JSON, signed. */
export function postSignedCallback(intakeUrl: string, callback: unknown): Promise<Response> {
  const body = JSON.stringify(callback);
  return fetch(`${intakeUrl}/callbacks/provisioning`, { method: 'POST', headers: signedCallbackHeaders(body), body });
}
