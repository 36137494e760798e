// What an adapter tells the application about one external call, in the project's vocabulary.
// External DTOs, status codes and vendor error codes never appear here (they stay in the adapter
// and in the redacted evidence snapshots).
import type { FailureCategory } from './failure-category.ts';

export const EXTERNAL_SYSTEMS = ['CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION'] as const;
export type ExternalSystem = (typeof EXTERNAL_SYSTEMS)[number];

/** Redacted raw exchange, kept as evidence of what was sent and what came back. */
export interface Exchange {
  readonly request?: unknown;
  readonly response?: unknown;
  readonly httpStatus?: number | undefined;
  readonly latencyMs?: number | undefined;
}

export type ExternalResult<T> =
  /** done: the value is final */
  | { readonly kind: 'succeeded'; readonly value: T; readonly externalRequestId?: string | undefined; readonly externalReferenceId?: string | undefined; readonly exchange: Exchange }
  /** accepted; the result arrives later (callback, event or status poll) */
  | { readonly kind: 'accepted'; readonly value: T; readonly externalRequestId: string; readonly exchange: Exchange }
  /** the external system refused the request's content or a business rule */
  | {
      readonly kind: 'rejected';
      readonly category: Extract<FailureCategory, 'VALIDATION_REJECTED' | 'BUSINESS_REJECTED'>;
      readonly reasonCode: string;
      readonly reasonMessage: string;
      readonly exchange: Exchange;
    }
  /** the external system already has this: our own earlier request, or a different one */
  | { readonly kind: 'duplicate'; readonly matchesOurRequest: boolean; readonly value?: T | undefined; readonly externalReferenceId?: string | undefined; readonly detail: string; readonly exchange: Exchange }
  /**
   * the call failed; `sent` says whether the request may have reached the external system
   * (false: refused before sending, e.g. connection refused, open circuit, full bulkhead)
   */
  | {
      readonly kind: 'failed';
      readonly category: Exclude<FailureCategory, 'AMBIGUOUS_OUTCOME' | 'VALIDATION_REJECTED' | 'BUSINESS_REJECTED'>;
      readonly retryable: boolean;
      readonly sent: boolean;
      readonly message: string;
      /** the external system's own wait hint (Retry-After), which wins over our backoff */
      readonly retryAfterMs?: number | undefined;
      readonly exchange: Exchange;
    }
  /** sent, but no answer: the side effect may or may not have happened */
  | { readonly kind: 'ambiguous'; readonly message: string; readonly exchange: Exchange };

export type ExternalResultKind = ExternalResult<unknown>['kind'];
