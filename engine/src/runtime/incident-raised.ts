// How a step says "this needs an incident": thrown inside the step, caught where the step runs
// (the element instance then waits with the incident).
import type { IncidentErrorType } from '../api.ts';

export class IncidentRaised extends Error {
  readonly errorType: IncidentErrorType;
  constructor(errorType: IncidentErrorType, message: string) {
    super(message);
    this.errorType = errorType;
  }
}

/** FEEL-ish type names for incident messages */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  if (typeof value === 'object') return 'OBJECT';
  return typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING';
}
