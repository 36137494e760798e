// What the engine is told about a job: exactly one of these per job execution.
export type EngineAction =
  | { readonly kind: 'complete'; readonly variables: Readonly<Record<string, unknown>> }
  | { readonly kind: 'bpmn-error'; readonly errorCode: string; readonly message: string; readonly variables: Readonly<Record<string, unknown>> }
  /** retries is absolute (what the job has left afterwards); 0 raises an incident */
  | { readonly kind: 'fail'; readonly retries: number; readonly backoffMs: number; readonly message: string };

export const complete = (variables: Readonly<Record<string, unknown>> = {}): EngineAction => ({ kind: 'complete', variables });
