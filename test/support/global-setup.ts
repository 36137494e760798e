// Jest global setup: the schema the tests run against is the one the migrations build.
import { migrate } from '../../src/platform/migrate.ts';

export default async function globalSetup(): Promise<void> {
  const report = await migrate();
  if (report.applied.length) console.log(`\napplied migrations: ${report.applied.join(', ')}`);
}
