// `npm run bench:canary [-- --orders 600 --rate 10 --with-outages]` — the canary secret scan.
// One distinctive canary value is planted in every credential setting (CRM_API_KEY, INVENTORY_TOKEN,
// PROVISIONING_PASSWORD, BILLING_TOKEN, NOTIFICATION_API_KEY, PROVISIONING_SIGNING_SECRETS,
// ZEEBE_CLIENT_SECRET and CAMUNDA_BASIC_AUTH_PASSWORD — present in the configuration though the
// local engine asks for neither —, and DATABASE_PASSWORD of a login role made for the run); the
// simulators take those credentials (they read the same settings). Then the chaos bench
// (bench/chaos.ts) runs with them: faults at every external system, replicas SIGKILLed, and with
// --with-outages PostgreSQL, Kafka and the engine restarted. Afterwards every log line the run's
// processes wrote, every row of every table, every record on every Kafka topic (from the beginning)
// and so every evidence row is searched for the canary in its plain, base64, base64url, URL-encoded
// and hex forms. Places scanned and hits (target 0; exit 1 otherwise) go to
// bench/results/canary-<timestamp>.json.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { up } from '../stack/cli.ts';
import { stackComponents } from '../stack/components/index.ts';
import { stackSettings } from '../stack/settings.ts';
import { loadConfig } from '../src/platform/config.ts';
import { pgClientConfig } from '../src/platform/database-connection.ts';
import { createDatabasePool } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { makeCanary } from './canary/plant.ts';
import { scanDatabase } from './canary/scan-db.ts';
import { scanKafka } from './canary/scan-kafka.ts';
import { filesSince, scanLogs, type ScanHit } from './canary/scan-logs.ts';
import { say } from './support/progress.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '600' },
    rate: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '3' },
    'kill-every-s': { type: 'string', default: '10' },
    // restart PostgreSQL, Kafka and the engine during the chaos run (disturbs anyone else on the stack)
    'with-outages': { type: 'boolean', default: false },
    'stack-up': { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const startedAt = Date.now();
const root = path.resolve(import.meta.dirname, '..');
const settings = stackSettings();
if (values['stack-up']) await up(settings, stackComponents);
const config = loadConfig();
await migrate(config);

const canary = makeCanary({ DATABASE_PASSWORD: '' });
const dbPassword = `${canary.core}databasepassword`;
const logDir = path.join(settings.dir, 'bench', `canary-${canary.core.slice(4, 12)}`);
mkdirSync(logDir, { recursive: true });
say(`canary ${canary.core.slice(0, 6)}… planted in ${Object.keys(canary.settings).filter((k) => k !== 'DATABASE_PASSWORD').join(', ')}; ${canary.patterns.length} patterns searched`);

// DATABASE_PASSWORD: a login role of the run's own (member of the farm's role, so it has its
// rights), reached by a URL without a password and the canary as DATABASE_PASSWORD
const role = `canary_${canary.core.slice(4).toLowerCase()}`;
const admin = new pg.Client(pgClientConfig(config, { applicationName: 'bench-canary' }));
await admin.connect();
const farmRole = decodeURIComponent(new URL(config.DATABASE_URL).username);
let databaseUrl: string | undefined;
try {
  await admin.query(`create role ${role} login password '${dbPassword}' in role ${farmRole}`);
  const url = new URL(config.DATABASE_URL);
  url.username = role;
  url.password = '';
  databaseUrl = url.toString();
  say(`DATABASE_PASSWORD planted: login role ${role}, DATABASE_URL without a password`);
} catch (err) {
  say(`DATABASE_PASSWORD not planted: the farm's role cannot create a login role (${(err as Error).message})`);
}

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  ...Object.fromEntries(Object.entries(canary.settings).filter(([k]) => k !== 'DATABASE_PASSWORD')),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_PASSWORD: dbPassword } : {}),
  // the bench process's intake and simulators log too (the harness is silent without LOG_LEVEL)
  LOG_LEVEL: 'info',
};
const chaosArgs = ['--yes', '--orders', values.orders, '--rate', values.rate, '--replicas', values.replicas, '--kill-every-s', values['kill-every-s'], ...(values['with-outages'] ? [] : ['--skip', 'postgres,kafka,engine']), '--no-stack-up'];
const chaosLog = path.join(logDir, 'chaos-output.log');
say(`chaos: node bench/chaos.ts ${chaosArgs.join(' ')} (output in ${chaosLog})`);
const chaosExit = await new Promise<number | null>((resolve) => {
  const out = createWriteStream(chaosLog);
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', path.join(root, 'bench', 'chaos.ts'), ...chaosArgs], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = (chunk: Buffer) => {
    out.write(chunk);
    // the chaos bench's own progress and tables, not the JSON log lines of its intake
    for (const line of chunk.toString('utf8').split('\n')) if (line && !line.startsWith('{')) console.log(`  chaos| ${line.replaceAll(canary.core, '<canary>')}`);
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  child.once('exit', (code) => out.end(() => resolve(code)));
});
say(`chaos exited with ${chaosExit}; scanning`);

let exitCode = 1;
const db = await createDatabasePool(config, 'bench-canary');
try {
  const logFiles = [...new Set([chaosLog, ...filesSince(path.join(settings.dir, 'bench'), startedAt)])].filter((f) => !f.endsWith('.cpuprofile'));
  const logs = scanLogs(logFiles, canary);
  // positive control: the scan finds the canary where it was put on purpose, in each form
  const controlFile = path.join(logDir, 'control.txt');
  writeFileSync(controlFile, `${canary.settings.CRM_API_KEY}\n{"auth":"Basic ${Buffer.from(`farm:${canary.settings.PROVISIONING_PASSWORD}`).toString('base64')}"}\nx${Buffer.from(`k=${canary.settings.BILLING_TOKEN}`).toString('base64url')}\n`);
  const control = scanLogs([controlFile], canary);
  const controlLines = new Set(control.hits.map((h) => h.place)).size;
  rmSync(controlFile);
  const rows = await scanDatabase(db, canary);
  const kafka = await scanKafka(config.KAFKA_BROKERS, canary);
  const hits: ScanHit[] = [...logs.hits, ...rows.hits, ...kafka.hits];
  const evidenceRows = rows.rowsPerTable.external_call_evidence ?? 0;
  printTable('canary scan: places searched', ['where', 'scanned', 'hits'], [
    ['log files / lines', `${logs.files} / ${logs.lines}`, String(logs.hits.length)],
    ['database tables / rows', `${rows.tables} / ${rows.rows}`, String(rows.hits.length)],
    ['  of which evidence rows (external_call_evidence)', String(evidenceRows), String(rows.hits.filter((h) => h.place === 'table external_call_evidence').length)],
    ['Kafka topics / records', `${kafka.topics} / ${kafka.records}`, String(kafka.hits.length)],
  ]);
  if (hits.length) printTable('hits (first 20)', ['where', 'form', 'around it'], hits.slice(0, 20).map((h) => [h.place, h.form, h.excerpt.slice(0, 240)]));
  const targets = [
    target('canary hits (logs, rows, events, evidence)', hits.length, '==', 0),
    target('chaos run finished', chaosExit === null ? 0 : 1, '==', 1),
    target('control: lines with the canary planted on purpose (plain, base64, base64url) found', controlLines, '==', 3),
  ];
  printTargets(targets, ' — issue 13: canary secret');
  const file = writeResult('canary', {
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    parameters: { ...values, chaosArgs },
    machine: await machineInfo(),
    planted: [...Object.keys(canary.settings).filter((k) => k !== 'DATABASE_PASSWORD'), ...(databaseUrl ? ['DATABASE_PASSWORD'] : [])],
    patterns: canary.patterns.length,
    chaosExitCode: chaosExit,
    control: { linesPlanted: 3, linesFound: controlLines, forms: control.hits.map((h) => h.form) },
    scanned: { logFiles: logs.files, logLines: logs.lines, tables: rows.tables, rows: rows.rows, rowsPerTable: rows.rowsPerTable, evidenceRows, kafkaTopics: kafka.topics, kafkaRecords: kafka.records, recordsPerTopic: kafka.recordsPerTopic },
    hits: hits.map((h) => ({ ...h, excerpt: h.excerpt.replaceAll(canary.core, '<canary>') })),
    targets,
  });
  say(`\nresults: ${file}`);
  exitCode = targets.every((t) => t.met) ? 0 : 1;
} catch (err) {
  console.error(`canary bench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await db.end().catch(() => undefined);
  if (databaseUrl) {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = '${role}'`).catch(() => undefined);
    await admin.query(`drop owned by ${role}`).catch(() => undefined);
    await admin.query(`drop role if exists ${role}`).catch((err: Error) => say(`role ${role} not dropped: ${err.message}`));
  }
  await admin.end().catch(() => undefined);
}
process.exit(exitCode);
