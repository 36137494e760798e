// The contract checks pass on the repository as it is, against the migrated database (jest's
// global setup migrated it). A failure here lists every finding: fix the drift it names, or the
// registry under contracts/ when the change was meant.
import { loadConfig } from '../../src/platform/config.ts';
import { formatReport, runContractChecks } from './run.ts';

test('every contract check passes on the repository', async () => {
  const report = await runContractChecks();
  if (!report.ok) console.log(formatReport(report));
  expect(report.findings.map((f) => `${f.check}: ${f.file} | ${f.element} | ${f.message}`)).toEqual([]);
  expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  // the database checks really ran
  expect(report.results.find((r) => r.check === 'sql-enums')?.status).toBe('passed');
});

test('an unreachable database fails the gate (it is not silently skipped) unless --skip-db', async () => {
  const config = { ...loadConfig(), DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none' };
  const red = await runContractChecks({ config, only: ['sql-enums'] });
  expect(red.ok).toBe(false);
  expect(red.findings).toEqual([expect.objectContaining({ check: 'database', message: expect.stringContaining('--skip-db') })]);
  const skipped = await runContractChecks({ database: 'skip', only: ['sql-enums'] });
  expect(skipped.results).toEqual([expect.objectContaining({ check: 'sql-enums', status: 'skipped' })]);
  expect(skipped.ok).toBe(true);
});
