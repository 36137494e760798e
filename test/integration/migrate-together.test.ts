// Replicas start together (a Deployment rolls out several pods at once): each applies pending
// migrations at start, so the migration run must queue on its lock instead of failing.
import { migrate } from '../../src/platform/migrate.ts';

test('three migration runs at once all succeed, and no migration is applied twice', async () => {
  const reports = await Promise.all([migrate(), migrate(), migrate()]);
  const applied = reports.flatMap((r) => r.applied);
  expect(new Set(applied).size).toBe(applied.length);
});
