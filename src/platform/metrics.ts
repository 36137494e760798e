// The process's Prometheus series (seed 000 §24 plus the job series), defined once. Instrumentation
// lives in one place per concern: the worker runtime (jobs), ExternalCalls (external calls), the
// case repository (reconciliation cases); they use the module-level `metrics` unless handed their
// own set (tests that want isolation create one with createMetrics()).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Milliseconds; external calls are bounded by connect 2 s + response 10 s (seed 000 §7.1). */
const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];
/** A job's whole handling (ledger, call, engine command); jobs may wait on a slow external system. */
const JOB_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000];

/** Reads the current circuit state of one system's client (an open circuit refuses calls locally). */
export interface CircuitSource {
  readonly system: string;
  readonly circuitOpen: boolean;
}

export function createMetrics(registry: Registry = new Registry()) {
  const circuits = new Set<CircuitSource>();
  const m = {
    registry,
    jobActivated: new Counter({ name: 'job_activated_total', help: 'Jobs handed to a worker of this process', labelNames: ['job_type'], registers: [registry] }),
    jobCompleted: new Counter({ name: 'job_completed_total', help: 'Jobs completed', labelNames: ['job_type'], registers: [registry] }),
    jobFailed: new Counter({ name: 'job_failed_total', help: 'Jobs failed with retries left (the engine retries them)', labelNames: ['job_type'], registers: [registry] }),
    jobBpmnError: new Counter({ name: 'job_bpmn_error_total', help: 'Jobs that threw a BPMN error', labelNames: ['job_type', 'error_code'], registers: [registry] }),
    jobIncident: new Counter({ name: 'job_incident_total', help: 'Jobs failed with no retries left (an incident in Operate)', labelNames: ['job_type'], registers: [registry] }),
    jobDuration: new Histogram({ name: 'job_handler_duration_ms', help: 'Time from activation to the engine command, by decision', labelNames: ['job_type', 'decision'], buckets: JOB_BUCKETS_MS, registers: [registry] }),

    externalCall: new Counter({
      name: 'external_call_total',
      help: 'External calls through the attempt ledger, by outcome status; replayed = answered from the ledger without sending',
      labelNames: ['system', 'operation', 'status', 'replayed'],
      registers: [registry],
    }),
    externalCallLatency: new Histogram({ name: 'external_call_latency_ms', help: 'Latency of calls actually sent to the external system', labelNames: ['system', 'operation'], buckets: LATENCY_BUCKETS_MS, registers: [registry] }),
    externalCallRetry: new Counter({ name: 'external_call_retry_total', help: 'Calls sent again after a failed attempt, by the category of that failure', labelNames: ['system', 'operation', 'failure_category'], registers: [registry] }),
    externalCallAmbiguous: new Counter({ name: 'external_call_ambiguous_total', help: 'Calls whose outcome became unknown (a reconciliation case was opened)', labelNames: ['system', 'operation'], registers: [registry] }),
    circuitOpen: new Gauge({
      name: 'external_call_circuit_open',
      help: '1 while the circuit breaker of the system is open (calls refused locally)',
      labelNames: ['system'],
      registers: [registry],
      collect() {
        const open = new Map<string, boolean>();
        for (const c of circuits) open.set(c.system, (open.get(c.system) ?? false) || c.circuitOpen);
        for (const [system, isOpen] of open) this.set({ system }, isOpen ? 1 : 0);
      },
    }),
    reconciliationCase: new Counter({
      name: 'reconciliation_case_total',
      help: 'Reconciliation cases entering a status (OPEN when opened; MANUAL_REVIEW, RESOLVED, CLOSED later)',
      labelNames: ['system', 'mismatch_type', 'severity', 'status'],
      registers: [registry],
    }),

    /** Reports the circuits of these clients in external_call_circuit_open; returns the way to stop. */
    watchCircuits(sources: Iterable<CircuitSource>): () => void {
      const added = [...sources];
      for (const s of added) circuits.add(s);
      return () => {
        for (const s of added) circuits.delete(s);
      };
    },
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The process's series (what GET /metrics serves). */
export const metrics: Metrics = createMetrics();
