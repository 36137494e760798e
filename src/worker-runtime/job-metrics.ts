// The job series of src/platform/metrics.ts, fed by the worker runtime: every job is counted once
// when activated and once by what the engine was told.
import { Counter } from 'prom-client';
import { metrics as processMetrics, type Metrics } from '../platform/metrics.ts';
import type { JobObserver } from './execute-job.ts';

const SKIPPED = 'job_skipped_total';

/** Jobs not started, by reason; registered once per registry, next to the platform's job series. */
function skippedCounter(m: Metrics): Counter<'job_type' | 'reason'> {
  const existing = m.registry.getSingleMetric(SKIPPED) as Counter<'job_type' | 'reason'> | undefined;
  return existing ?? new Counter({ name: SKIPPED, help: 'Jobs not started: their deadline had passed (deadline-passed) or no slot was free and they were given back (no-free-slot)', labelNames: ['job_type', 'reason'], registers: [m.registry] });
}

export function jobMetrics(m: Metrics = processMetrics): JobObserver {
  const skipped = skippedCounter(m);
  return {
    skipped(type, reason) {
      skipped.inc({ job_type: type, reason });
    },
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
