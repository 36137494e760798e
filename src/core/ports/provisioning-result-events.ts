// The provisioning system's result events, as the core needs them read: the decoder port. The
// provider's adapter (src/adapters/provisioning/result-event.ts) implements it over its own message
// format; the composition root hands it, with the core's handler, to the inbox consumer.
import type { ProvisioningState } from './provisioning.ts';

export type ProvisioningResultEvent =
  | {
      readonly kind: 'result';
      readonly eventId: string;
      /** when the provider says the status changed */
      readonly occurredAt: string;
      readonly result: ProvisioningState;
      /** the message, redacted, for the inbox record and the evidence */
      readonly snapshot: unknown;
    }
  | { readonly kind: 'unsupported-type'; readonly eventId?: string | undefined; readonly eventType: string }
  | { readonly kind: 'contract-violation'; readonly eventId?: string | undefined; readonly problem: string };

/** Reads one message value (the UTF-8 text of the record). */
export type ProvisioningResultDecoder = (value: string) => ProvisioningResultEvent;
