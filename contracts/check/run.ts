// Runs every contract check and reports: used by the CLI (`npm run contracts:check`), `npm test`
// and the deploy command (which refuses to deploy models whose contracts disagree).
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { textTable } from '../../src/platform/text-table.ts';
import { loadInputs, type CheckInputs, type ContractCheck } from './check-inputs.ts';
import { asyncapiEvents } from './checks/asyncapi-events.ts';
import { bpmnErrors } from './checks/bpmn-errors.ts';
import { bpmnLint } from './checks/bpmn-lint.ts';
import { bpmnNaming } from './checks/bpmn-naming.ts';
import { conceptMap } from './checks/concept-map.ts';
import { enums } from './checks/enums.ts';
import { errorMap } from './checks/error-map.ts';
import { httpBindings } from './checks/http-bindings.ts';
import { jobTypes } from './checks/job-types.ts';
import { messagePublishers } from './checks/message-publishers.ts';
import { processVariables } from './checks/process-variables.ts';
import { servedRoutes } from './checks/served-routes.ts';
import { sqlEnums } from './checks/sql-enums.ts';
import { PostgresCatalog, type DatabaseIntrospection } from './database.ts';
import type { CheckResult, Finding } from './finding.ts';
import { repositorySources, type ContractSources } from './sources.ts';

export const CHECKS: readonly ContractCheck[] = [
  bpmnNaming,
  jobTypes,
  bpmnErrors,
  processVariables,
  messagePublishers,
  errorMap,
  enums,
  sqlEnums,
  conceptMap,
  httpBindings,
  servedRoutes,
  asyncapiEvents,
  bpmnLint,
];

export interface RunOptions {
  readonly sources?: ContractSources;
  /** 'connect' (default): the database of the configuration; 'skip': no database checks */
  readonly database?: 'connect' | 'skip' | DatabaseIntrospection;
  /** apply migrations/ first (CI: the database must be the one the code expects) */
  readonly migrate?: boolean;
  /** run only these checks (by name) */
  readonly only?: readonly string[];
  readonly config?: Config;
}

export interface ContractReport {
  readonly results: readonly CheckResult[];
  readonly findings: readonly Finding[];
  readonly ok: boolean;
}

const failedWith = (check: string, title: string, file: string, message: string): CheckResult => ({
  check,
  title,
  status: 'failed',
  findings: [{ check, file, element: '(check)', message }],
});

/** Runs one check; a check that throws is a failed check naming why, never a crash of the gate. */
export async function runCheck(check: ContractCheck, inputs: CheckInputs): Promise<CheckResult> {
  try {
    return await check.run(inputs);
  } catch (err) {
    return failedWith(check.name, check.title, '(check)', `the check could not run: ${(err as Error).message}`);
  }
}

export async function runContractChecks(opts: RunOptions = {}): Promise<ContractReport> {
  const sources = opts.sources ?? repositorySources();
  const results: CheckResult[] = [];
  let database: DatabaseIntrospection | undefined;
  let ownDatabase = false;
  try {
    if (opts.database !== 'skip') {
      if (typeof opts.database === 'object') database = opts.database;
      else {
        const config = opts.config ?? loadConfig();
        try {
          if (opts.migrate) await migrate(config);
          database = await PostgresCatalog.connect(config);
          ownDatabase = true;
          await database.checkConstraints();
        } catch (err) {
          results.push(failedWith('database', 'the migrated database can be read', 'src/platform/config.ts', `cannot read the database (DATABASE_URL): ${(err as Error).message}. Start the stack, or pass --skip-db to leave the database checks out.`));
          database = undefined;
        }
      }
    }
    let inputs: CheckInputs;
    try {
      inputs = await loadInputs(sources, database);
    } catch (err) {
      results.push(failedWith('inputs', 'the models and the worker registry can be read', sources.bpmnDir, (err as Error).message));
      return report(results);
    }
    for (const check of CHECKS.filter((c) => !opts.only?.length || opts.only.includes(c.name))) results.push(await runCheck(check, inputs));
    return report(results);
  } finally {
    if (ownDatabase) await database?.close();
  }
}

function report(results: CheckResult[]): ContractReport {
  const findings = results.flatMap((r) => r.findings);
  return { results, findings, ok: results.every((r) => r.status !== 'failed') };
}

/** The report as the CLI, `npm test` and the deploy command print it. */
export function formatReport(r: ContractReport): string {
  const lines: string[] = [];
  const table = textTable(
    ['check', 'status', 'findings', 'covered'],
    r.results.map((x) => [x.check, x.status, String(x.findings.length), x.note ?? '']),
  );
  lines.push(table);
  for (const x of r.results.filter((y) => y.findings.length)) {
    lines.push('', `${x.check} (${x.title}): ${x.findings.length} finding(s)`);
    for (const f of x.findings) lines.push(`  ${f.file}  ${f.element}\n      ${f.message}`);
  }
  const count = (s: string) => r.results.filter((x) => x.status === s).length;
  lines.push('', `contracts: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped; ${r.findings.length} finding(s)`);
  return lines.join('\n');
}
