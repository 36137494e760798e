// A whole fulfillment setup for one workflow test file, on the real stack: the simulators, the
// intake and a farm in this process, and an isolated copy of the fulfillment model (its process id,
// job types and message names carry a per-run suffix, so test files and parallel runs never take
// each other's jobs or messages).
import { provisioningSigning } from '../../src/adapters/provisioning/signature.ts';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSimulators } from '../../simulators/server.ts';
import type { MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import { createFarmServices } from '../../src/main/services.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import { MESSAGES, PROCESS_ID } from '../../src/core/domain/bpmn-errors.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import { buildIntakeServer } from '../../src/intake/server.ts';
import { consoleSettings } from '../../src/intake/console/console-settings.ts';
import { apiAccess } from '../../src/intake/auth/api-access.ts';
import { apiAuthorization, type ApiRole } from '../../stack/api-tokens.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { gatewayHeaders } from '../../src/platform/gateway-auth.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger, type Logger } from '../../src/platform/logger.ts';
import { startEventProcessing } from '../../src/main/event-side.ts';
import { PROVISIONING_RESULTS_TOPIC } from '../../src/adapters/provisioning/result-event.ts';
import { startGroupAtEnd } from '../../bench/support/consumer-group.ts';
import { startInboxRetries } from '../../src/events/inbox-retries.ts';
import { inboxRetryHandlers } from '../../src/core/provisioning-results/inbox-handlers.ts';
import { startFarm, type Farm } from '../../src/worker-runtime/farm.ts';
import { workers } from '../../workers/index.ts';
import { ProcessTest, eventually, type IsolatedModel } from './process-test.ts';
import { adapterUrlsFor } from '../../simulators/endpoints.ts';
import { simControl } from '../../simulators/testing/sim-client.ts';

export const MODEL = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'order-fulfillment.bpmn');
const caseRow = z.object({ reconciliation_case_id: z.string(), system_code: z.string(), mismatch_type: z.string(), status: z.string() });
type CaseRow = z.infer<typeof caseRow>;

export const RECONCILIATION_MODEL = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'reconciliation.bpmn');

export interface HarnessOptions {
  /** configuration overrides (e.g. short external timeouts) */
  readonly env?: Readonly<Record<string, string>>;
  readonly jobTimeoutMs?: number;
  readonly maxConcurrentJobs?: number;
  /** start without a farm (a test starts its own) */
  readonly withoutFarm?: boolean;
  /** e.g. a provisioning completion that takes longer than the test (SLA paths) */
  readonly simulator?: { readonly completionDelayMs?: number; readonly kafkaBrokers?: readonly string[] };
  /** run the outbox relay and the provisioning results consumer (its own consumer group) */
  readonly events?: boolean;
  /** the logger of the farm, intake and event side (default: silent unless LOG_LEVEL is set); e.g. one the test reads back */
  readonly log?: Logger;
  /** the built console the intake serves (default dist/console); the browser tests build their own, safe from a concurrent npm run build */
  readonly consoleAssetsDir?: string;
}

export interface SubmitResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

const suffixed = (publisher: MessagePublisher, suffix: string): MessagePublisher => ({
  publish: (msg) => publisher.publish({ ...msg, name: `${msg.name}-${suffix}` }),
});

export class FulfillmentHarness {
  readonly suffix: string;
  readonly config: Config;
  readonly db: DatabasePool;
  readonly pt: ProcessTest;
  readonly simulatorUrl: string;
  readonly intakeUrl: string;
  readonly processId: string;
  /** orders this harness accepted: its inbox retries touch only their results */
  private readonly orderIds: string[] = [];
  farm: Farm | undefined;
  private readonly closers: (() => Promise<unknown>)[];

  private constructor(init: { suffix: string; config: Config; db: DatabasePool; pt: ProcessTest; simulatorUrl: string; intakeUrl: string; closers: (() => Promise<unknown>)[] }) {
    this.suffix = init.suffix;
    this.config = init.config;
    this.db = init.db;
    this.pt = init.pt;
    this.simulatorUrl = init.simulatorUrl;
    this.intakeUrl = init.intakeUrl;
    this.processId = `${PROCESS_ID}-${init.suffix}`;
    this.closers = init.closers;
  }

  static async start(opts: HarnessOptions = {}): Promise<FulfillmentHarness> {
    const suffix = `t${randomUUID().slice(0, 8)}`;
    // the environment's engine and credentials, unless the test names its own (e.g. an engine with OAuth on)
    const base = loadConfig({ ...process.env, ...opts.env });
    // quiet unless asked (LOG_LEVEL=debug npm run test:jest -- …): tests provoke failures on purpose
    const log = opts.log ?? createLogger(`harness-${suffix}`, process.env.LOG_LEVEL === undefined ? 'silent' : base.LOG_LEVEL);
    const closers: (() => Promise<unknown>)[] = [];
    const sims = await startSimulators({ port: 0, host: '127.0.0.1', ...opts.simulator });
    closers.push(() => sims.close());
    const db = await createDatabasePool(base, `harness-${suffix}`);
    closers.push(() => db.end());
    const pt = new ProcessTest(base);
    const ownCopies: IsolatedModel[] = [];
    closers.push(async () => {
      // The reconciliation copy's sweep has a timer start event: left deployed, the engine would
      // start an instance of it every minute for as long as the stack runs. Deleting the
      // definitions stops that (instances still running go on to their end).
      for (const copy of ownCopies) await pt.deleteIsolatedCopy(copy).catch(() => undefined);
      await pt.close();
    });
    const messages = suffixed(zeebeMessagePublisher(pt.zeebe), suffix);

    // bearer tokens as in production (API_AUTH=jwt): the stack engine's API clients (stack/api-tokens.ts)
    const intake = buildIntakeServer({ db, messages, engine: engineOverGateway(base, pt.zeebe), provisioningPollCycle: base.PROVISIONING_POLL_CYCLE, provisioningSla: base.PROVISIONING_SLA, log, access: apiAccess(base), callbackSigning: provisioningSigning(base), console: consoleSettings(base, opts.consoleAssetsDir) });
    await intake.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => intake.close());
    const intakeUrl = `http://127.0.0.1:${(intake.server.address() as AddressInfo).port}`;

    const config = loadConfig({
      ...process.env,
      ...adapterUrlsFor(sims.url),
      PROVISIONING_CALLBACK_URL: `${intakeUrl}/callbacks/provisioning`,
      EXTERNAL_RESPONSE_TIMEOUT_MS: '2000',
      EXTERNAL_CONNECT_TIMEOUT_MS: '1000',
      ...opts.env,
    });
    await pt.deployIsolatedCopy(MODEL, suffix);
    ownCopies.push(await pt.deployIsolatedCopy(RECONCILIATION_MODEL, suffix));

    const h = new FulfillmentHarness({ suffix, config, db, pt, simulatorUrl: sims.url, intakeUrl, closers });
    if (!opts.withoutFarm) await h.startFarm(opts);
    // like the farm, retry the inbox's results that came too early — but only this harness's
    const retries = startInboxRetries({
      db,
      log,
      handlers: inboxRetryHandlers(db, messages),
      scope: () => sql.fragment`subject_id in (select external_request_id from fulfillment_task where order_id = any(${sql.array(h.orderIds, 'text')}))`,
    });
    closers.unshift(() => retries.stop());
    if (opts.events) {
      // a fresh group would replay every result earlier runs left on the topic (thousands by now), each
      // verified and deduplicated before this run's own: it starts at the topic's end, like a long-running group
      // (Kafka restarting: it is tried a few times, then the group reads from the beginning as before)
      await eventually('the results group to start at the topic end', () => startGroupAtEnd(config.KAFKA_BROKERS, `harness-${suffix}`, PROVISIONING_RESULTS_TOPIC).then(() => true, () => undefined), { timeoutMs: 15_000, intervalMs: 1_000 }).catch(() => undefined);
      const events = startEventProcessing({ config, db, messages, log, consumerGroup: `harness-${suffix}` });
      closers.unshift(() => events.stop());
    }
    return h;
  }

  /** Starts (another) in-process farm on this harness's job types. */
  async startFarm(opts: Pick<HarnessOptions, 'jobTimeoutMs' | 'maxConcurrentJobs' | 'log'> = {}): Promise<Farm> {
    const log = opts.log ?? createLogger(`farm-${this.suffix}`, process.env.LOG_LEVEL === undefined ? 'silent' : this.config.LOG_LEVEL);
    const services = { ...createFarmServices(this.config, this.db, this.pt.zeebe, log), messages: suffixed(zeebeMessagePublisher(this.pt.zeebe), this.suffix) };
    const farm = await startFarm({
      zeebe: this.pt.zeebe,
      gatewayAddress: this.config.ZEEBE_GRPC_ADDRESS,
      gatewayMetadata: gatewayHeaders(this.config),
      pollIntervalMs: 2_000,
      workers,
      services,
      log,
      maxConcurrentJobs: opts.maxConcurrentJobs ?? 16,
      jobTimeoutMs: opts.jobTimeoutMs ?? 60_000,
      jobTypeSuffix: this.suffix,
    });
    this.farm = farm;
    this.closers.unshift(() => farm.drain(5_000));
    return farm;
  }

  async close(): Promise<void> {
    for (const close of this.closers) await close().catch(() => undefined);
  }

  /** A request to the intake with the bearer token of the stack's API client for this role. */
  async fetchAs(role: ApiRole, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', (await apiAuthorization(role)).authorization);
    return fetch(`${this.intakeUrl}${pathAndQuery}`, { ...init, headers });
  }

  async submit(order: OrderRequest, idempotencyKey: string = randomUUID()): Promise<SubmitResult> {
    const res = await this.fetchAs('intake', '/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body: JSON.stringify(order) });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.status === 202 && typeof body.orderId === 'string') this.orderIds.push(body.orderId);
    return { status: res.status, body };
  }

  /** Submits and returns the new order's id (fails the test on anything but 202; a 429 is waited out, as a client would). */
  async submitOrder(order: OrderRequest): Promise<string> {
    const key = randomUUID();
    let res = await this.submit(order, key);
    for (let tries = 1; res.status === 429 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      res = await this.submit(order, key);
    }
    if (res.status !== 202) throw new Error(`order not accepted: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return String(res.body.orderId);
  }

  async orderStatus(orderId: string): Promise<string> {
    return this.db.oneFirst(sql.type(z.object({ order_status: z.string() }))`select order_status from customer_order where order_id = ${orderId}`);
  }

  async awaitOrderStatus(orderId: string, status: string, timeoutMs = 60_000): Promise<void> {
    await eventually(`order ${orderId} to be ${status}`, async () => ((await this.orderStatus(orderId)) === status ? true : undefined), { timeoutMs, intervalMs: 300 });
  }

  /** The process instance serving the order (linked by its first job). */
  async processInstanceOf(orderId: string, timeoutMs = 30_000): Promise<string> {
    return eventually(`a process instance for order ${orderId}`, async () => {
      const key = await this.db.maybeOneFirst(sql.type(z.object({ process_instance_key: z.string().nullable() }))`
        select process_instance_key from order_orchestration_link where order_id = ${orderId}`);
      return key ?? undefined;
    }, { timeoutMs });
  }

  async requestCancellation(orderId: string): Promise<void> {
    await this.pt.publishMessage(`${MESSAGES.orderCancellationRequested}-${this.suffix}`, orderId, { cancellationReason: 'customer request' });
  }

  async publish(name: string, correlationKey: string, variables: Record<string, unknown>): Promise<void> {
    await this.pt.publishMessage(`${name}-${this.suffix}`, correlationKey, variables as never);
  }

  // --- simulators

  async fault(rule: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.simulatorUrl}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    if (!res.ok) throw new Error(`installing fault failed: HTTP ${res.status} ${await res.text()}`);
  }

  /** Removes every fault installed on this harness's simulators. */
  async clearFaults(): Promise<void> {
    const res = await fetch(`${this.simulatorUrl}/__sim/faults`, { method: 'DELETE' });
    if (!res.ok) throw new Error(`clearing faults failed: HTTP ${res.status} ${await res.text()}`);
  }

  /** The billing team fixes a refused BA-REJECT… account: its next activation is accepted. */
  async makeBillingAccountEligible(billingAccountId: string): Promise<void> {
    const res = await simControl(this.simulatorUrl).makeBillingAccountEligible(billingAccountId);
    if (res.status !== 200) throw new Error(`making ${billingAccountId} eligible failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }

  async sideEffects(query: Record<string, string>): Promise<{ system: string; operation: string; idempotencyKey?: string; ref: string }[]> {
    const res = await fetch(`${this.simulatorUrl}/__sim/side-effects?${new URLSearchParams(query)}`);
    return (await res.json()) as { system: string; operation: string; idempotencyKey?: string; ref: string }[];
  }

  // --- ledger and cases

  async attempts(orderId: string): Promise<{ system_code: string; operation_code: string; status: string; attempt_no: number; failure_category: string | null }[]> {
    return [
      ...(await this.db.any(sql.type(z.object({ system_code: z.string(), operation_code: z.string(), status: z.string(), attempt_no: z.number(), failure_category: z.string().nullable() }))`
        select a.system_code, a.operation_code, a.status, a.attempt_no, a.failure_category
        from external_call_attempt a
        where a.business_object_id = ${orderId} or a.business_object_id like ${`${orderId}/%`}
           or a.idempotency_key like ${`%:${orderId}:%`}
        order by a.created_at`)),
    ];
  }

  async openCases(orderId: string): Promise<CaseRow[]> {
    return (await this.cases(orderId)).filter((c) => c.status === 'OPEN' || c.status === 'MANUAL_REVIEW');
  }

  /** Every reconciliation case of an order, whatever its status, oldest first. */
  async cases(orderId: string): Promise<CaseRow[]> {
    return [
      ...(await this.db.any(sql.type(caseRow)`
        select reconciliation_case_id, system_code, mismatch_type, status from reconciliation_case where order_id = ${orderId} order by detected_at`)),
    ];
  }
}
