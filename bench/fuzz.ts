// `npm run bench:fuzz [-- --seed N --scale F]` — at least 10,000 generated bad inputs (fast-check,
// seeded: the seed is printed, and every broken rule with the input that broke it) against the
// intake and the farm running as processes on the stack:
//   - POST /orders bodies and headers (Idempotency-Key, X-Correlation-Id, Content-Type,
//     Authorization), GET /orders/:id, the operator routes' params, queries and bodies;
//   - provisioning callbacks: bad JSON, broken contract, bad / missing / stale signatures, huge values;
//   - provisioning results produced to the Kafka topic the farm consumes: each must end parked or
//     refused in the inbox, never handled;
//   - job variables: instances of the fulfillment process (the run's isolated copy, served by a
//     farm replica) started with bad variables: every one must end in an incident with a message
//     (or a BPMN error path), never complete, and no replica may crash.
// Checked (exit 1 when one fails): the intake and the farm alive and ready at the end; no 5xx but a
// designed 503 (with Retry-After); every 4xx an RFC 9457 problem document; a 2xx only where the
// input deserves one; nothing half-written in the database. Figures per input family (count,
// answers by status, latency p50/p99) are printed and written to bench/results/fuzz-<timestamp>.json.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { serviceOrderDto } from '../src/adapters/provisioning/dto.ts';
import { MESSAGES } from '../src/core/domain/bpmn-errors.ts';
import { loadConfig } from '../src/platform/config.ts';
import { startBenchSetup } from './support/bench-setup.ts';
import { IntakeChild } from './support/intake-child.ts';
import { inParallel } from './support/load.ts';
import { progress, say } from './support/progress.ts';
import { Replica } from './support/replicas.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { round } from './support/stats.ts';
import type { ApiTokens } from './fuzz/auth.ts';
import { callbackBody, callbackRef, type CallbackCase, type CallbackContext } from './fuzz/callback-inputs.ts';
import { checkRequest, send } from './fuzz/http-check.ts';
import { httpFamilies, type FamilyContext } from './fuzz/http-families.ts';
import { checkIntegrity } from './fuzz/integrity.ts';
import { auditInstances, trackingId, variablesCase, variablesOf, type Started } from './fuzz/job-variables.ts';
import { auditResults, resultCase, ResultProducer } from './fuzz/kafka-results.ts';
import { Tally, type FamilyFigures } from './fuzz/tally.ts';
import { fetchTokens } from './fuzz/tokens.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    // inputs per family, as a multiple of the defaults below (1 = 11,000 inputs)
    scale: { type: 'string', default: '1' },
    'stack-up': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const scale = Number(values.scale);
const RUNS = { 'POST /orders: bodies': 3_000, 'POST /orders: headers': 2_500, 'GET /orders/:id': 1_000, 'operator routes': 1_500, 'POST /callbacks/provisioning': 2_000, kafka: 700, jobVariables: 300 };
const runsOf = (name: keyof typeof RUNS) => Math.max(1, Math.round(RUNS[name] * scale));
const startedAt = new Date();
const runTag = `fz${randomUUID().slice(0, 8)}`;
say(`fuzz: seed ${seed} (replay: npm run bench:fuzz -- --seed ${seed}${scale !== 1 ? ` --scale ${scale}` : ''}); run tag ${runTag}`);

const config = loadConfig();
const setup = await startBenchSetup('fuzz', { completionDelayMs: 300, kafka: true, stackUp: values['stack-up'] });
const h = setup.harness;
const p = progress('fuzz', 5_000);
let replica: Replica | undefined;
let intake: IntakeChild | undefined;
let producer: ResultProducer | undefined;
let exitCode = 1;
try {
  replica = await Replica.start({ name: 'farm-1', mode: 'farm', suffix: h.suffix, concurrency: 32, jobTimeoutMs: 30_000, events: true, env: setup.replicaEnv, logDir: setup.logDir });
  // the rate limit is the load bench's subject: here it would only hide the inputs behind 429s
  intake = await IntakeChild.start({ name: 'intake', suffix: runTag, logDir: setup.logDir, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', INTAKE_RATE_LIMIT_PER_SECOND: '100000', INTAKE_RATE_LIMIT_BURST: '100000' } });
  say(`farm replica pid ${replica.pid}, intake pid ${intake.pid} at ${intake.url}; logs in ${setup.logDir}`);

  // what the intake checks today: bearer tokens? signed callbacks?
  const unauthenticated = await send(intake.url, { method: 'GET', path: '/operator/cases', headers: {} });
  const authOn = !('error' in unauthenticated) && unauthenticated.status === 401;
  const unsigned = await send(intake.url, { method: 'POST', path: '/callbacks/provisioning', headers: { 'content-type': 'application/json' }, body: '{}' });
  const signedCallbacks = !('error' in unsigned) && unsigned.status === 401;
  let tokens: ApiTokens | undefined;
  if (authOn) {
    const fetched = await fetchTokens();
    if ('error' in fetched) throw new Error(`the intake wants bearer tokens but the stack issues none: ${fetched.error}`);
    tokens = fetched;
  }
  say(`intake: bearer tokens ${authOn ? 'checked' : 'NOT checked'}; callbacks ${signedCallbacks ? 'signed' : 'NOT signed'}`);

  const secret = config.PROVISIONING_SIGNING_SECRETS[0] ?? '';
  const refusedCallbackRefs: string[] = [];
  const callbacks: CallbackContext = {
    runTag,
    secret,
    toleranceS: config.PROVISIONING_SIGNATURE_TOLERANCE_S,
    signed: signedCallbacks,
    acceptable(c: CallbackCase) {
      if (signedCallbacks && c.signature.kind !== 'valid') return `signature ${c.signature.kind}`;
      try {
        return serviceOrderDto.safeParse(JSON.parse(callbackBody(c, runTag))).success || 'the body breaks the callback contract';
      } catch {
        return 'the body is not JSON';
      }
    },
    answered(c, status) {
      const ref = callbackRef(c, runTag);
      if (ref?.startsWith(runTag) && [400, 401, 403, 413, 415, 429].includes(status)) refusedCallbackRefs.push(ref);
    },
  };
  const ctx: FamilyContext = { tokens, runTag, callbacks };
  const refreshTokens = setInterval(() => {
    if (!authOn) return;
    void fetchTokens().then((t) => {
      if (!('error' in t) && ctx.tokens) Object.assign(ctx.tokens, t);
    });
  }, 30_000);

  const tallies: Tally[] = [];
  const liveness: { family: string; intakeAlive: boolean; farmAlive: boolean }[] = [];
  for (const family of httpFamilies(ctx)) {
    const tally = new Tally(family.name);
    tallies.push(tally);
    const runs = runsOf(family.name as keyof typeof RUNS);
    let done = 0;
    const url = intake.url;
    // every input runs (the property holds either way): the figures cover them all, and each
    // broken rule keeps the inputs that broke it as counterexamples
    await fc.assert(
      fc.asyncProperty(family.arbitrary, async (input) => {
        try {
          await checkRequest(url, tally, family.request(input), input, (answer) => family.accepts(input, answer), (answer) => family.observe?.(input, answer), family.no503);
        } catch (err) {
          // the bench's own fault, not the intake's: say so and stop
          throw new Error(`the bench could not send or judge an input: ${(err as Error).stack ?? String(err)}`);
        }
        p.line(`${family.name}: ${++done}/${runs}`);
        return true;
      }),
      { seed, numRuns: runs },
    );
    liveness.push({ family: family.name, intakeAlive: intake.alive(), farmAlive: replica.alive() });
    p.line(`${family.name}: ${runs} inputs, ${tally.figures().violations} violation(s)`, true);
  }
  clearInterval(refreshTokens);

  // Kafka: bad results produced to the farm's topic
  const kafka = new Tally('Kafka provisioning results');
  tallies.push(kafka);
  producer = await ResultProducer.connect(config.KAFKA_BROKERS, { runTag, secret, toleranceS: config.PROVISIONING_SIGNATURE_TOLERANCE_S });
  // values with U+0000 or an unpaired surrogate go last: PostgreSQL's jsonb takes neither, so a
  // consumer that cannot record such a message redelivers it without end and reads nothing behind
  // it on its partition — last, it hides no other input's outcome
  const results = fc.sample(resultCase, { seed, numRuns: runsOf('kafka') }).sort((a, b) => Number(unstorable(a)) - Number(unstorable(b)));
  for (const [i, r] of results.entries()) {
    await producer.produce(r);
    p.line(`Kafka results: ${i + 1}/${results.length} produced`);
  }
  const kafkaAudit = await auditResults(h.db, producer.produced, kafka, 90_000);
  p.line(`Kafka results: ${results.length} produced, inbox rows awaited ${round(kafkaAudit.waitedMs / 1000, 1)} s`, true);

  // job variables: instances of the run's copy of the fulfillment process, started with bad variables
  const jobs = new Tally('job variables');
  tallies.push(jobs);
  const cases = fc.sample(variablesCase, { seed, numRuns: runsOf('jobVariables') });
  const started: Started[] = await inParallel(cases, 8, async (c) => {
    const variables = variablesOf(c, runTag);
    const id = trackingId(c, runTag);
    try {
      await h.pt.zeebe.publishMessage({ name: `${MESSAGES.orderAccepted}-${h.suffix}`, correlationKey: id, messageId: id, variables: variables as never, timeToLive: 60_000 });
      return { input: c, variables, trackingId: id };
    } catch (err) {
      return { input: c, variables, trackingId: id, refused: (err as Error).message.slice(0, 200) };
    }
  });
  p.line(`job variables: ${started.filter((s) => !s.refused).length} start messages published, ${started.filter((s) => s.refused).length} refused by the engine`, true);
  const incidentMessages = await auditInstances(h.pt, h.processId, started, jobs, 150_000);

  // the processes at the end: alive, and the intake ready
  const intakeReady = await intake.health('/health/ready');
  const survivors = { intakeAlive: intake.alive(), intakeReady: intakeReady === 200, intakeReadyStatus: intakeReady, farmAlive: replica.alive() };
  const integrity = await checkIntegrity(h.db, { since: startedAt, runTag, refusedCallbackRefs });

  const figures: FamilyFigures[] = tallies.map((t) => t.figures());
  const total = figures.reduce((n, f) => n + f.inputs, 0);
  printTable(
    `fuzz, seed ${seed}: ${total} generated bad inputs`,
    ['family', 'inputs', 'answers (status: count)', 'p50 ms', 'p99 ms', 'violations'],
    figures.map((f) => [f.family, String(f.inputs), Object.entries(f.statuses).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join(', '), round(f.latencyMs.p50, 1), round(f.latencyMs.p99, 1), String(f.violations)]),
  );
  printTable('job variables: incident messages (ids and figures masked)', ['message', 'instances'], Object.entries(incidentMessages).sort(([, a], [, b]) => b - a).slice(0, 12).map(([m, n]) => [m, String(n)]));
  printTable('nothing half-written', ['check', 'rows', 'examples'], integrity.map((c) => [c.check, String(c.count), c.examples.join(', ')]));
  const violations = tallies.flatMap((t) => t.violations);
  if (violations.length) {
    printTable('counterexamples (first per rule)', ['family', 'rule', 'detail', 'input'], dedupeByRule(violations).map((v) => [v.family, v.rule, v.detail.slice(0, 200), v.input.slice(0, 400)]));
  }
  const fiveXx = figures.reduce((n, f) => n + Object.entries(f.statuses).filter(([s]) => /^5\d\d$/.test(s) && s !== '503').reduce((c, [, v]) => c + v, 0), 0);
  const targets = [
    target('generated bad inputs', total, '>=', 10_000),
    target('crashed processes (intake, farm) or not ready at the end', [!survivors.intakeAlive, !survivors.intakeReady, !survivors.farmAlive, ...liveness.flatMap((l) => [!l.intakeAlive, !l.farmAlive])].filter(Boolean).length, '==', 0),
    target('5xx answers other than a designed 503', fiveXx, '==', 0),
    target('broken rules (problem documents, wrong 2xx, Kafka handled, jobs unanswered)', figures.reduce((n, f) => n + f.violations, 0), '==', 0),
    target('half-written rows', integrity.reduce((n, c) => n + c.count, 0), '==', 0),
  ];
  printTargets(targets, ' — issue 13: fuzzing');
  const file = writeResult('fuzz', {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seed,
    parameters: { scale, runs: Object.fromEntries(Object.keys(RUNS).map((k) => [k, runsOf(k as keyof typeof RUNS)])), runTag, intakeChecksTokens: authOn, callbacksSigned: signedCallbacks },
    machine: await machineInfo(),
    totalInputs: total,
    families: figures,
    survivors,
    livenessAfterEachFamily: liveness,
    integrity,
    jobVariableIncidents: incidentMessages,
    violations,
    targets,
  });
  say(`\nresults: ${file}`);
  exitCode = targets.every((t) => t.met) ? 0 : 1;
} catch (err) {
  console.error(`fuzz bench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await producer?.close().catch(() => undefined);
  await intake?.stop();
  await replica?.stop();
  await setup.close();
}
process.exit(exitCode);

/** Whether a Kafka case's value holds text PostgreSQL's jsonb refuses (U+0000, an unpaired surrogate). */
function unstorable(c: { readonly value: unknown }): boolean {
  return /\\u0000|\\ud[89ab]/i.test(JSON.stringify(c.value));
}

function dedupeByRule<T extends { family: string; rule: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.family}|${v.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
