// The internal failure taxonomy (seed 000 §6): every external failure maps to exactly one of these,
// and the category decides what may be retried and how (seed 000 §7.2).
export const FAILURE_CATEGORIES = [
  'TIMEOUT',
  'CONNECTION_FAILED',
  'AUTH_FAILED',
  'VALIDATION_REJECTED',
  'BUSINESS_REJECTED',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'AMBIGUOUS_OUTCOME',
  'SCHEMA_MISMATCH',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export interface RetryPolicy {
  /** May the engine retry the job (with backoff)? */
  readonly workflowRetry: boolean;
  /** May the adapter retry at once, inside the same job execution? */
  readonly immediateRetry: boolean;
  /** What a person checks or fixes when retries do not help (before retrying the job in Operate). */
  readonly operatorAction: string;
}

export const RETRY_POLICY: Readonly<Record<FailureCategory, RetryPolicy>> = {
  TIMEOUT: { workflowRetry: true, immediateRetry: false, operatorAction: 'check the external system latency' },
  CONNECTION_FAILED: { workflowRetry: true, immediateRetry: true, operatorAction: 'check that the external system is reachable' },
  AUTH_FAILED: { workflowRetry: false, immediateRetry: false, operatorAction: 'fix the credentials or permissions of the integration' },
  VALIDATION_REJECTED: { workflowRetry: false, immediateRetry: false, operatorAction: 'fix the order data' },
  BUSINESS_REJECTED: { workflowRetry: false, immediateRetry: false, operatorAction: 'decide with the business owner (manual path)' },
  CONFLICT: { workflowRetry: false, immediateRetry: false, operatorAction: 'investigate the duplicate or conflicting external state (reconciliation case)' },
  RATE_LIMITED: { workflowRetry: true, immediateRetry: false, operatorAction: 'wait for the external quota' },
  SERVER_ERROR: { workflowRetry: true, immediateRetry: false, operatorAction: 'check the external system health' },
  AMBIGUOUS_OUTCOME: { workflowRetry: false, immediateRetry: false, operatorAction: 'let the reconciler (or an operator) establish what the external system did before anything is re-sent' },
  SCHEMA_MISMATCH: { workflowRetry: false, immediateRetry: false, operatorAction: 'fix the contract or the adapter mapping' },
};

export const isFailureCategory = (v: unknown): v is FailureCategory => typeof v === 'string' && (FAILURE_CATEGORIES as readonly string[]).includes(v);
