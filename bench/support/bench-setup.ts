// What every bench stands on: the workflow tests' harness without its in-process farm (simulators,
// intake and the provisioning callback in this process, an isolated copy of the models whose job
// types and messages carry a per-run suffix, so a bench never takes anyone's jobs on the shared
// stack), plus what a replica child process needs to find them.
import path from 'node:path';
import { up } from '../../stack/cli.ts';
import { stackComponents } from '../../stack/components/index.ts';
import { stackSettings } from '../../stack/settings.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { FulfillmentHarness, MODEL } from '../../test/support/fulfillment-harness.ts';
import { adapterUrlsFor } from '../../simulators/endpoints.ts';
import { PROVISIONING_RESULTS_TOPIC } from '../../src/adapters/provisioning/result-event.ts';
import { startGroupAtEnd } from './consumer-group.ts';

export interface BenchSetupOptions {
  /** provisioning's ACK → DONE delay (the harness's simulators) */
  readonly completionDelayMs: number;
  /** simulators publish provisioning results to the stack's Kafka too */
  readonly kafka?: boolean;
  /** bring the local stack up first (idempotent, as the demo does); default true */
  readonly stackUp?: boolean;
}

export interface BenchSetup {
  readonly harness: FulfillmentHarness;
  /** the environment of a farm replica: adapters pointed at this run's simulators, callbacks at its intake */
  readonly replicaEnv: Readonly<Record<string, string>>;
  readonly logDir: string;
  /** Deploys one more isolated copy of the fulfillment model (e.g. for the bare baseline); returns its suffix. */
  deployCopy(suffix: string): Promise<string>;
  close(): Promise<void>;
}

/** Both the bench's own external timeouts and the harness's: short, so a timeout-after-commit stays short too. */
export const EXTERNAL_TIMEOUTS = { EXTERNAL_RESPONSE_TIMEOUT_MS: '2000', EXTERNAL_CONNECT_TIMEOUT_MS: '1000' } as const;

export async function startBenchSetup(bench: string, opts: BenchSetupOptions): Promise<BenchSetup> {
  // from a fresh clone: the stack (started when down, reused when up) and the schema
  if (opts.stackUp !== false) await up(stackSettings(), stackComponents);
  await migrate(loadConfig());
  const harness = await FulfillmentHarness.start({
    withoutFarm: true,
    env: EXTERNAL_TIMEOUTS,
    simulator: { completionDelayMs: opts.completionDelayMs, ...(opts.kafka ? { kafkaBrokers: loadConfig().KAFKA_BROKERS } : {}) },
  });
  // the replicas' event side consumes in the group `bench-<suffix>` (replica.ts), from the topic's end
  await startGroupAtEnd(loadConfig().KAFKA_BROKERS, `bench-${harness.suffix}`, PROVISIONING_RESULTS_TOPIC);
  const sims = harness.simulatorUrl;
  const replicaEnv = {
    ...adapterUrlsFor(sims),
    PROVISIONING_CALLBACK_URL: `${harness.intakeUrl}/callbacks/provisioning`,
    ...EXTERNAL_TIMEOUTS,
    // a production farm logs at info; LOG_LEVEL=warn npm run bench:… to measure without it
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
  const logDir = path.join(stackSettings().dir, 'bench', `${bench}-${harness.suffix}`);
  return {
    harness,
    replicaEnv,
    logDir,
    async deployCopy(suffix) {
      await harness.pt.deployIsolatedCopy(MODEL, suffix);
      return suffix;
    },
    async close() {
      // the harness deletes its reconciliation copy (the sweep's timer start event) as it closes
      await harness.close();
    },
  };
}
