// The job series of src/platform/metrics.ts, fed by the worker runtime: every job is counted once
// when activated and once by what the engine was told.
import { metrics as processMetrics, type Metrics } from '../platform/metrics.ts';
import type { JobObserver } from './execute-job.ts';

export function jobMetrics(m: Metrics = processMetrics): JobObserver {
  return {
    activated(type) {
      m.jobActivated.inc({ job_type: type });
    },
    decided(type, outcome, durationMs) {
      switch (outcome.kind) {
        case 'completed':
          m.jobCompleted.inc({ job_type: type });
          break;
        case 'bpmn_error':
          m.jobBpmnError.inc({ job_type: type, error_code: outcome.errorCode });
          break;
        case 'failed':
          m.jobFailed.inc({ job_type: type });
          break;
        case 'incident':
          m.jobIncident.inc({ job_type: type });
          break;
      }
      m.jobDuration.observe({ job_type: type, decision: outcome.kind }, durationMs);
    },
  };
}
