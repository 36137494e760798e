import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { startOpsServer } from '../../src/platform/ops-server.ts';
import { NAMED_SERIES, scrapeReplicas, seriesRows } from './metrics-summary.ts';

test('replicas are scraped, saved, and each named series totalled across them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'demo-metrics-'));
  const a = createMetrics();
  const b = createMetrics();
  a.jobActivated.inc({ job_type: 'x.v1' }, 2);
  b.jobActivated.inc({ job_type: 'x.v1' }, 3);
  b.externalCallAmbiguous.inc({ system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION' });
  const log = createLogger('test', 'silent');
  const servers = await Promise.all([a, b].map((m) => startOpsServer({ registry: m.registry, liveness: [], readiness: [], host: '127.0.0.1', port: 0, log })));
  try {
    const scrapes = await scrapeReplicas(
      [...servers.map((s, i) => ({ name: `farm-${i + 1}`, url: s.url })), { name: 'farm-3', url: 'http://127.0.0.1:1' }],
      dir,
    );
    expect(scrapes.map((s) => s.error === undefined)).toEqual([true, true, false]);
    expect(readFileSync(path.join(dir, 'metrics-farm-2.prom'), 'utf8')).toContain('external_call_ambiguous_total');

    const rows = seriesRows(scrapes);
    expect(rows.map((r) => r[0])).toEqual([...NAMED_SERIES]);
    expect(rows.find((r) => r[0] === 'job_activated_total')).toEqual(['job_activated_total', '5', '2', '3', '-']);
    expect(rows.find((r) => r[0] === 'external_call_ambiguous_total')).toEqual(['external_call_ambiguous_total', '1', '-', '1', '-']);
    expect(rows.find((r) => r[0] === 'reconciliation_case_total')?.[1]).toBe('absent');

    // a gauge read at another moment goes right below its series
    b.watchCircuits([{ system: 'NOTIFICATION', circuitOpen: true }]);
    const during = await scrapeReplicas(servers.map((s, i) => ({ name: `farm-${i + 1}`, url: s.url })), dir);
    const withExtra = seriesRows(scrapes, [{ label: 'external_call_circuit_open, during the outage', series: 'external_call_circuit_open', scrapes: during }]);
    const at = withExtra.findIndex((r) => r[0] === 'external_call_circuit_open');
    expect(withExtra[at]?.[0]).toBe('external_call_circuit_open');
    expect(withExtra[at + 1]).toEqual(['external_call_circuit_open, during the outage', '1', '-', '1']);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  }
});
