// The words of reconciliation cases, shared by the database constraints, the code and the events.
export const MISMATCH_TYPES = ['AMBIGUOUS_OUTCOME', 'DUPLICATE_CONFLICT', 'STATE_MISMATCH', 'MISSING_CALLBACK'] as const;
export type MismatchType = (typeof MISMATCH_TYPES)[number];
export const CASE_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type CaseSeverity = (typeof CASE_SEVERITIES)[number];
export const CASE_STATUSES = ['OPEN', 'RESOLVED', 'MANUAL_REVIEW', 'CLOSED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_EVENT_ACTIONS = ['OPENED', 'OBSERVED', 'REPAIRED', 'MARKED_SAFE_TO_RETRY', 'ESCALATED', 'DECIDED', 'RESUMED', 'CLOSED'] as const;
export type CaseEventAction = (typeof CASE_EVENT_ACTIONS)[number];

