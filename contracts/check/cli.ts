// npm run contracts:check [-- --skip-db] [-- --migrate] [-- --only check,check] [-- --json]
// Every contract check (contracts/README.md); exits 1 on any finding. --migrate applies
// migrations/ first (what `npm test` does), --skip-db leaves out the checks that read the migrated
// database (they then report themselves skipped; the gate is weaker for it).
import { formatReport, runContractChecks } from './run.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const valueOf = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const report = await runContractChecks({
  database: flag('--skip-db') ? 'skip' : 'connect',
  migrate: flag('--migrate'),
  only: valueOf('--only')?.split(',').map((s) => s.trim()).filter(Boolean),
});
console.log(flag('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
process.exitCode = report.ok ? 0 : 1;
