// How the provisioning provider signs what it sends us, its callbacks and its result events on
// Kafka alike: X-Signature-Timestamp (unix seconds) and X-Signature ("v1=<hex>", several while it
// rotates its secret) over "<timestamp>.<raw body>" (src/platform/signatures.ts). The header names
// are the provider's vocabulary, so they stay in this folder; simulators and tests sign with
// signProvisioningPayload, the way the provider does.
import type { Clock } from '../../core/ports/clock.ts';
import { registerSecretValues } from '../../platform/redaction.ts';
import { signPayload, verifyPayloadSignature, type SignatureVerdict } from '../../platform/signatures.ts';

export const SIGNATURE_TIMESTAMP_HEADER = 'X-Signature-Timestamp';
export const SIGNATURE_HEADER = 'X-Signature';

/** What verification needs: every secret that verifies, the replay window, the clock. */
export interface ProvisioningSigning {
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly clock?: Clock | undefined;
}

/** The configured signing (its secrets are registered for redaction: they never reach a log or row). */
export function provisioningSigning(config: { readonly PROVISIONING_SIGNING_SECRETS: readonly string[]; readonly PROVISIONING_SIGNATURE_TOLERANCE_S: number }, clock?: Clock): ProvisioningSigning {
  registerSecretValues(config.PROVISIONING_SIGNING_SECRETS);
  return { secrets: config.PROVISIONING_SIGNING_SECRETS, toleranceSeconds: config.PROVISIONING_SIGNATURE_TOLERANCE_S, clock };
}

/** The two headers a provider sends with `body` signed by `secret` (at `now`). */
export function signProvisioningPayload(body: Uint8Array | string, secret: string, now: Date = new Date()): Record<string, string> {
  const signed = signPayload(body, secret, now.getTime() / 1000);
  return { [SIGNATURE_TIMESTAMP_HEADER]: signed.timestamp, [SIGNATURE_HEADER]: signed.signature };
}

/** HTTP or Kafka headers: names compared without case, a repeated HTTP header read as its list. */
export type ReceivedHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: ReceivedHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}

/** Verifies a provider's signature over `body` (the bytes as received). */
export function verifyProvisioningSignature(headers: ReceivedHeaders | undefined, body: Uint8Array | string, signing: ProvisioningSigning): SignatureVerdict {
  return verifyPayloadSignature(
    { timestamp: header(headers, SIGNATURE_TIMESTAMP_HEADER), signature: header(headers, SIGNATURE_HEADER), body },
    { secrets: signing.secrets, toleranceSeconds: signing.toleranceSeconds, now: signing.clock?.now() ?? new Date() },
  );
}

/**
 * The check of a result event on Kafka: its headers over the message value (the inbox consumer's
 * verifier). The replay window is measured against when the record was written to the topic, not
 * when it is read: a consumer that lags (restart, outage) must not park good results as stale. A
 * replayed record keeps its id, and the inbox handles an id once.
 */
export const verifyProvisioningResultMessage =
  (signing: ProvisioningSigning) =>
  (message: { readonly value: string; readonly headers?: Readonly<Record<string, string>> | undefined; readonly timestamp?: number | undefined }): SignatureVerdict =>
    verifyProvisioningSignature(message.headers, message.value, message.timestamp === undefined ? signing : { ...signing, clock: { now: () => new Date(message.timestamp as number) } });
