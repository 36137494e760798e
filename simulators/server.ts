// One HTTP server for the five simulated systems (a path prefix each) and the control API.
// Tests start it in-process on port 0; the CLI runs it on SIMULATOR_PORT for the local stack.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { AddressInfo } from 'node:net';
import { registerControl } from './control.ts';
import { FaultRuleBook } from './kit/fault-rules.ts';
import { KafkaPublisher } from './kit/kafka-publisher.ts';
import { registerLenientJsonParser } from './kit/json-body.ts';
import { Scheduler } from './kit/scheduler.ts';
import { SideEffectRecorder } from './kit/side-effects.ts';
import { catalogOf, registerSystem } from './kit/system-routes.ts';
import { simulatorSettings, type SimulatorCredentials } from './settings.ts';
import { createState, type SimulatorState } from './state.ts';
import { createBillingSystem } from './systems/billing.ts';
import { createCrmSystem } from './systems/crm.ts';
import { createInventorySystem } from './systems/inventory.ts';
import { createNotificationSystem } from './systems/notification.ts';
import { createProvisioningSystem } from './systems/provisioning.ts';
import { ResultPublishing } from './systems/provisioning-results.ts';
import { signProvisioningPayload } from '../src/adapters/provisioning/signature.ts';
import type { SimulatedSystem } from './systems/simulated-system.ts';

export type { SimulatorCredentials, SimulatorState };

export interface StartSimulatorsOptions {
  /** 0 = a free port (tests) */
  readonly port: number;
  /** default 127.0.0.1 */
  readonly host?: string;
  /** ACK → DONE/ERR of a provisioning order; default PROVISIONING_COMPLETION_DELAY_MS, else 300 */
  readonly completionDelayMs?: number;
  /** expected credentials; each one left out comes from loadConfig() */
  readonly credentials?: Partial<SimulatorCredentials>;
  /** pauses before the retries of a failed callback; default [200, 400, 800] (three retries) */
  readonly callbackRetryDelaysMs?: readonly number[];
  /** per callback attempt; default 2000 */
  readonly callbackTimeoutMs?: number;
  /**
   * Kafka bootstrap brokers: provisioning also publishes its final results to
   * provisioning.results.v1 and the /__sim/kafka endpoints work. Left out: no Kafka at all.
   */
  readonly kafkaBrokers?: readonly string[];
  /** pauses before the retries of a failed result publication; default [250, 500, 1000] */
  readonly kafkaRetryDelaysMs?: readonly number[];
  /** request and error logging (pino); silent when left out */
  readonly logger?: FastifyBaseLogger;
}

export interface RunningSimulators {
  /** e.g. http://127.0.0.1:4010 (no trailing slash); systems live at `${url}/crm`, … */
  readonly url: string;
  readonly port: number;
  readonly state: SimulatorState;
  /** stops listening, drops open connections, cancels every timer and pending callback */
  close(): Promise<void>;
}

export async function startSimulators(options: StartSimulatorsOptions): Promise<RunningSimulators> {
  const defaults = simulatorSettings();
  const credentials: SimulatorCredentials = { ...defaults.credentials, ...options.credentials };
  const sideEffects = new SideEffectRecorder();
  const faults = new FaultRuleBook();
  const delays = new Scheduler();
  const log = options.logger;
  // the provider signs callbacks and result events with its first secret (src/adapters/provisioning/signature.ts)
  const sign = (body: string) => signProvisioningPayload(body, credentials.provisioningSigningSecret);
  const kafka = options.kafkaBrokers?.length ? new KafkaPublisher({ brokers: options.kafkaBrokers, clientId: 'simulators' }) : undefined;
  const results = kafka
    ? new ResultPublishing({
        publisher: kafka,
        retryDelaysMs: options.kafkaRetryDelaysMs ?? [250, 500, 1_000],
        sign,
        onAttemptFailed: (order, p) => log?.warn({ provTxnRef: order.provTxnRef, eventId: p.eventId, attempt: p.attempt, error: p.error }, 'provisioning result not published to Kafka'),
        onGivenUp: (order, event) => log?.error({ provTxnRef: order.provTxnRef, eventId: event.eventId }, 'provisioning result given up: not published to Kafka'),
      })
    : undefined;

  const systems = {
    crm: createCrmSystem({ apiKey: credentials.crmApiKey }),
    inventory: createInventorySystem({ token: credentials.inventoryToken, sideEffects }),
    provisioning: createProvisioningSystem({
      username: credentials.provisioningUsername,
      password: credentials.provisioningPassword,
      sideEffects,
      completionDelayMs: options.completionDelayMs ?? defaults.completionDelayMs,
      callbackRetryDelaysMs: options.callbackRetryDelaysMs ?? [200, 400, 800],
      callbackTimeoutMs: options.callbackTimeoutMs ?? 2_000,
      sign,
      ...(options.logger ? { onCallbackFailed: (order) => options.logger?.warn({ provTxnRef: order.provTxnRef, attempts: order.callbackAttempts.length }, 'provisioning callback not delivered') } : {}),
      ...(results ? { results } : {}),
    }),
    billing: createBillingSystem({ token: credentials.billingToken, sideEffects }),
    notification: createNotificationSystem({ apiKey: credentials.notificationApiKey, sideEffects }),
  };
  const state = createState(faults, sideEffects, systems, kafka);
  const definitions = Object.values(systems).map((s) => s.definition);

  // forceCloseConnections: a request held by a timeout fault must not keep close() waiting
  const app = Fastify({ forceCloseConnections: true, bodyLimit: 1_048_576, ...(options.logger ? { loggerInstance: options.logger } : { logger: false }) });
  registerLenientJsonParser(app);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'NOT_FOUND', detail: `no simulated system at ${request.method} ${request.url}` });
  });
  for (const definition of definitions) await registerSystem(app, definition, { faults, delays });
  await registerControl(app, state, catalogOf(definitions), sign);

  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    state,
    close: () => {
      closed ??= (async () => {
        delays.cancelAll();
        await Promise.all(Object.values(systems).map((s: SimulatedSystem) => s.close?.()));
        await kafka?.close();
        await app.close();
      })();
      return closed;
    },
  };
}
