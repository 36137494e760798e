// The provider's callback body (POST to our callbackUrl), read into our vocabulary. The intake's
// callback route uses this so the provider's field names and status codes stay in this folder.
import { redact } from '../../platform/redaction.ts';
import { serviceOrderDto } from './dto.ts';
import { toInternalState } from './mapper.ts';
import type { ProvisioningState } from '../../core/ports/provisioning.ts';

export type ParsedProvisioningCallback =
  | { readonly ok: true; readonly result: ProvisioningState; /** redacted raw body, for the evidence */ readonly snapshot: unknown }
  | { readonly ok: false; readonly error: string };

export function parseProvisioningCallback(body: unknown): ParsedProvisioningCallback {
  const parsed = serviceOrderDto.safeParse(body);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, result: toInternalState(parsed.data), snapshot: redact(body) };
}
