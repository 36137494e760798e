// `npm run demo [-- --orders N] [-- --replicas N] [-- --stay]`: the project's main job. Brings the local stack
// up, deploys the models, starts the simulators, the intake and farm replicas, submits a batch of
// orders (a few made to hit rejection, retry, fallout and ambiguity), shows progress, stages a
// notification provider outage (incidents, open breakers, an operator's retry), and prints where
// every order ended, the replicas' metrics and where to look next. The stack keeps running afterwards;
// with --stay the simulators, intake (and its console) and replicas do too, until Ctrl-C.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { up } from '../../stack/cli.ts';
import { stackComponents } from '../../stack/components/index.ts';
import { stackSettings } from '../../stack/settings.ts';
import { apiAuthorization } from '../../stack/api-tokens.ts';
import { deployModels } from '../deploy/deploy.ts';
import { buildConsole } from '../../console/build.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { FARM_NODE_FLAGS } from '../../src/main/farm/node-flags.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { createDatabasePool } from '../../src/platform/db.ts';
import { EngineSearch } from '../../src/platform/engine-search.ts';
import { seriesTotal } from '../../src/platform/metrics-text.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { textTable } from '../../src/platform/text-table.ts';
import { awaitReady, logSays, startChild, stopChildren, type Child } from './child-processes.ts';
import { describeExpectation, describeOutcome, meets, observe, settled, type Observed } from './outcomes.ts';
import { demoScenarios } from './scenarios.ts';
import { caseCountsOfOrders } from '../../src/repositories/reconciliation-case.ts';
import { scrapeReplicas, seriesRows, type ReplicaScrape } from './metrics-summary.ts';
import { notificationOutage, OUTAGE_ELEMENT } from './outage-drill.ts';
import { intakeSender, submitUntilAccepted } from '../../src/intake/submission.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '6' }, replicas: { type: 'string', default: '2' }, 'timeout-seconds': { type: 'string' }, stay: { type: 'boolean', default: false } } });
const started = Date.now();
const since = () => `${Math.round((Date.now() - started) / 1000)}s`;
const say = (msg: string) => console.log(`[${since()}] ${msg}`);

const s = stackSettings();
const config = s.config;
say("starting the local stack: the project's engine, PostgreSQL and Kafka (the first run downloads Kafka through Maven)");
await up(s, stackComponents);
await migrate(config);
const deployed = await deployModels();
say(`models: ${deployed.map((d) => `${d.id} v${d.version} (${d.status})`).join(', ')}`);

const logDir = path.join(s.dir, 'demo');
const children: Child[] = [];
/** each replica's operations endpoints (/metrics, /health/*), on consecutive ports from FARM_HTTP_PORT */
const replicaOps: { name: string; url: string }[] = [];
const db = await createDatabasePool(config, 'demo');
const search = new EngineSearch(config);
const zeebe = createZeebeClient(config);
let exitCode = 1;
try {
  const simulators = startChild('simulators', 'simulators/cli.ts', logDir);
  children.push(simulators);
  await awaitReady(simulators, async () => (await fetch(`http://127.0.0.1:${config.SIMULATOR_PORT}/__sim/health`)).ok);
  await fetch(`http://127.0.0.1:${config.SIMULATOR_PORT}/__sim/reset`, { method: 'POST' });
  // the intake serves the operator console from dist/console
  await buildConsole();
  const intake = startChild('intake', 'src/main/intake.ts', logDir);
  children.push(intake);
  await awaitReady(intake, async () => (await fetch(`http://127.0.0.1:${config.HTTP_PORT}/orders/none`, { headers: await apiAuthorization('viewer') })).status === 404);
  const replicas = Number(values.replicas);
  for (let i = 1; i <= replicas; i++) {
    const opsPort = config.FARM_HTTP_PORT + i - 1;
    const farm = startChild(`farm-${i}`, 'src/main/farm.ts', logDir, { FARM_HTTP_PORT: String(opsPort) }, FARM_NODE_FLAGS);
    children.push(farm);
    replicaOps.push({ name: `farm-${i}`, url: `http://127.0.0.1:${opsPort}` });
    await awaitReady(farm, logSays(farm, 'farm ready'));
  }
  say(`simulators :${config.SIMULATOR_PORT}, intake :${config.HTTP_PORT}, ${replicas} farm replica(s) running (logs in ${logDir})`);
  say(`operator console http://127.0.0.1:${config.HTTP_PORT}/console/ (sign in as dev-operator-client, secret dev-operator-client-secret; viewer: dev-viewer-client)`);

  const scenarios = demoScenarios(Number(values.orders));
  for (const sc of scenarios) {
    for (const rule of sc.faults) {
      await fetch(`http://127.0.0.1:${config.SIMULATOR_PORT}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    }
  }
  // a just-started engine may refuse for a while: each order is tried again under its own key
  const submitOrder = async (name: string, order: OrderRequest): Promise<string> => {
    const r = await submitUntilAccepted(intakeSender(`http://127.0.0.1:${config.HTTP_PORT}`, order, () => apiAuthorization('intake')), {
      idempotencyKey: `demo-${randomUUID()}`,
      onRetry: (answer, tries) => tries === 1 && say(`order ${name} not accepted yet (${answer.slice(0, 160)}); trying again with the same Idempotency-Key`),
    });
    if (r.kind === 'refused') throw new Error(`order ${name} refused after ${r.tries} tries: ${r.lastAnswer}`);
    return r.orderId;
  };
  const submitted: { scenario: (typeof scenarios)[number]; orderId: string }[] = [];
  for (const sc of scenarios) submitted.push({ scenario: sc, orderId: await submitOrder(sc.name, sc.order) });
  say(`submitted ${submitted.length} orders`);

  // A job whose activation the engine lost (its answer cut off, as a broker still starting under
  // load does) is handed out again only after the job timeout: the demo waits longer than that.
  const jobTimeoutS = Math.round(config.FARM_JOB_TIMEOUT_MS / 1000);
  const deadline = Date.now() + Number(values['timeout-seconds'] ?? jobTimeoutS + 120) * 1000;
  let observed = new Map<string, Observed>();
  let lastLine = '';
  let lastChange = Date.now();
  let stallTold = false;
  for (;;) {
    observed = new Map(await Promise.all(submitted.map(async (o) => [o.orderId, await observe(db, search, o.orderId)] as const)));
    const all = [...observed.values()];
    const count = (p: (o: Observed) => boolean) => all.filter(p).length;
    const line = `${all.length} orders: ${count((o) => o.status === 'COMPLETED')} completed, ${count((o) => o.status === 'REJECTED')} rejected, ${count((o) => o.status === 'FALLOUT')} fallout, ${count((o) => o.status === 'CANCELLED')} cancelled, ${count((o) => !!o.userTask)} waiting for a person, ${count((o) => !!o.incident)} incident(s), ${count((o) => !settled(o))} in progress`;
    if (line !== lastLine) {
      say(line);
      lastChange = Date.now();
    } else if (!stallTold && Date.now() - lastChange > 45_000) {
      stallTold = true;
      say(`no progress for 45 s: a job whose activation the engine lost is handed out again after the job timeout (FARM_JOB_TIMEOUT_MS, ${jobTimeoutS} s); waiting`);
    }
    lastLine = line;
    if (all.every(settled) || Date.now() > deadline) break;
    await sleep(1_000);
  }

  const rows = submitted.map(({ scenario, orderId }) => {
    const o = observed.get(orderId);
    const ok = o !== undefined && meets(o, scenario.expect);
    return { ok, cells: [ok ? 'ok' : 'UNEXPECTED', scenario.name, orderId, o ? describeOutcome(o) : '?', describeExpectation(scenario.expect), scenario.description] };
  });
  console.log(`\n${textTable(['check', 'scenario', 'order', 'outcome', 'expected', 'what happens'], rows.map((r) => r.cells))}\n`);

  const values_ = [...observed.values()];
  const withStatus = (status: string) => values_.filter((o) => o.status === status).length;
  const cases = await caseCountsOfOrders(db, submitted.map((o) => o.orderId));
  const totals = { completed: withStatus('COMPLETED'), rejected: withStatus('REJECTED'), fallout: withStatus('FALLOUT'), cancelled: withStatus('CANCELLED'), open_cases: cases.undecided, resolved_cases: cases.settled };
  console.log(
    textTable(
      ['completed', 'rejected', 'fallout', 'cancelled', 'incidents', 'open reconciliation cases', 'cases reconciled', 'user tasks waiting'],
      [[totals.completed, totals.rejected, totals.fallout, totals.cancelled, values_.filter((o) => o.incident).length, totals.open_cases, totals.resolved_cases, values_.filter((o) => o.userTask).length].map(String)],
    ),
  );

  // last act: a provider outage, for the breakers (and the operator's retry) to be seen at work
  let outageScrapes: ReplicaScrape[] = [];
  const outage = await notificationOutage({
    simulatorUrl: `http://127.0.0.1:${config.SIMULATOR_PORT}`,
    db,
    search,
    engine: engineOverGateway(config, zeebe),
    submit: (order) => submitOrder('outage', order),
    say,
    duringOutage: async () => {
      mkdirSync(path.join(logDir, 'outage'), { recursive: true });
      outageScrapes = await scrapeReplicas(replicaOps, path.join(logDir, 'outage'));
      say(`circuits open now (external_call_circuit_open): ${outageScrapes.map((r) => `${r.replica} ${seriesTotal(r.samples, 'external_call_circuit_open') ?? '-'}`).join(', ')}`);
    },
    timeoutMs: 120_000,
  });
  const outageOk = outage.problem === undefined;
  console.log(`\n${textTable(['check', 'act', 'orders', 'outcome', 'what happens'], [[outageOk ? 'ok' : 'UNEXPECTED', 'notification-outage', String(outage.orderIds.length), outageOk ? 'incident, then COMPLETED after the retry' : outage.problem ?? '', `provider down: incidents at ${OUTAGE_ELEMENT}, breakers open; provider back: \`npm run ops -- retry --order <id>\`, orders complete`]])}`);

  const scrapes = await scrapeReplicas(replicaOps, logDir);
  console.log(`\nmetrics of the replicas (GET /metrics; saved as ${logDir}/metrics-farm-N.prom, and during the outage under ${logDir}/outage)`);
  console.log(textTable(['series', 'total', ...scrapes.map((r) => r.replica)], seriesRows(scrapes, [{ label: 'external_call_circuit_open, during the outage', series: 'external_call_circuit_open', scrapes: outageScrapes }])));
  for (const r of scrapes) if (r.error) console.log(`  ${r.replica}: /metrics not scraped (${r.error})`);
  // the local engine has no web apps: its REST API v2 and the operator's commands take their place
  const rest = `${config.ZEEBE_REST_ADDRESS.replace(/\/$/, '')}/v2`;
  console.log(`
Operator console (orders, diagrams, incidents with Retry, user tasks, reconciliation cases; in place of Operate and Tasklist)
  ${values.stay ? '' : 'npm run intake, then '}http://127.0.0.1:${config.HTTP_PORT}/console/   sign in as dev-operator-client / dev-operator-client-secret (or dev-viewer-client)
Engine REST API v2 (${config.CAMUNDA_AUTH_STRATEGY === 'NONE' ? 'no login' : `${config.CAMUNDA_AUTH_STRATEGY} auth`}), gRPC gateway ${config.ZEEBE_GRPC_ADDRESS}
  instances                      POST ${rest}/process-instances/search   {"filter":{"hasIncident":true}}
  incidents                      POST ${rest}/incidents/search           {"filter":{"state":"ACTIVE"}}
  fallout user tasks             POST ${rest}/user-tasks/search          {"filter":{"state":"CREATED"}}
Operator commands
  retry an order's incidents     npm run ops -- retry --order <orderId>
  reconciliation cases           npm run ops -- cases   /   npm run ops -- case <caseId>
  decide a case                  npm run ops -- decide <caseId> --decision ACCEPT_EXTERNAL_STATE|RETRY|CANCEL_ORDER --by <name>
The stack keeps running (npm run stack:status); stop it with: npm run stack:down`);
  const failed = rows.filter((r) => !r.ok).length + (outageOk ? 0 : 1);
  if (failed) console.log(`\n${failed} scenario(s) did not end as expected (logs: ${logDir})`);
  exitCode = failed ? 1 : 0;
  if (values.stay) {
    const waiting = submitted.find((o) => o.scenario.name === 'billing-rejected');
    console.log(`
Still running (--stay): simulators :${config.SIMULATOR_PORT}, intake and console http://127.0.0.1:${config.HTTP_PORT}/console/, ${replicaOps.length} farm replica(s).${waiting ? `
  The billing-rejected order ${waiting.orderId} waits under User tasks. Billing refuses its account until the billing team fixes it:
    curl -X PUT http://127.0.0.1:${config.SIMULATOR_PORT}/__sim/billing/eligible-accounts/${waiting.scenario.order.subscription.billingAccountId}
  then complete the task with "Retry billing" and the order completes (before the fix, billing refuses again and the task comes back).` : ''}
Ctrl-C stops them (the stack keeps running).`);
    await untilInterrupted();
  }
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
} finally {
  await stopChildren(children);
  await zeebe.close();
  await db.end();
}
say(exitCode === 0 ? 'demo finished: every order ended as expected' : 'demo finished with problems');
process.exit(exitCode);

/** Resolves on Ctrl-C or SIGTERM (the children get the signal too; stopChildren then waits for them). */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
