import { createMetrics } from './metrics.ts';
import { parseMetricsText, seriesTotal } from './metrics-text.ts';

test('a scrape of the registry reads back as samples with labels and values', async () => {
  const m = createMetrics();
  m.externalCall.inc({ system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION', status: 'SUCCEEDED', replayed: 'false' }, 2);
  m.externalCall.inc({ system: 'CRM', operation: 'VALIDATE_ACCOUNT', status: 'FAILED', replayed: 'false' });
  m.externalCallLatency.observe({ system: 'CRM', operation: 'VALIDATE_ACCOUNT' }, 42);
  m.externalCallLatency.observe({ system: 'CRM', operation: 'VALIDATE_ACCOUNT' }, 7);
  const samples = parseMetricsText(await m.registry.metrics());

  expect(samples).toContainEqual({ name: 'external_call_total', labels: { system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION', status: 'SUCCEEDED', replayed: 'false' }, value: 2 });
  expect(seriesTotal(samples, 'external_call_total')).toBe(3);
  expect(seriesTotal(samples, 'external_call_total', { system: 'CRM' })).toBe(1);
  // a histogram counts its observations
  expect(seriesTotal(samples, 'external_call_latency_ms')).toBe(2);
  expect(seriesTotal(samples, 'external_call_latency_ms_sum')).toBe(49);
  // declared but never touched: no sample
  expect(seriesTotal(samples, 'external_call_ambiguous_total')).toBeUndefined();
});

test('escaped label values and comments are read correctly', () => {
  const samples = parseMetricsText('# HELP x a "help"\n# TYPE x counter\nx{a="say \\"hi\\"",b="c\\\\d"} 1.5\n\ny 3 1700000000\n');
  expect(samples).toEqual([
    { name: 'x', labels: { a: 'say "hi"', b: 'c\\d' }, value: 1.5 },
    { name: 'y', labels: {}, value: 3 },
  ]);
});

test('two metric sets never collide: several farms in one process each get their own registry', () => {
  expect(() => [createMetrics(), createMetrics()]).not.toThrow();
});

test('the circuit gauge reports 1 for a system while any watched client of it is open', async () => {
  const m = createMetrics();
  const billing = { system: 'BILLING', circuitOpen: false };
  const stop = m.watchCircuits([billing, { system: 'CRM', circuitOpen: false }]);
  let samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'external_call_circuit_open', { system: 'BILLING' })).toBe(0);
  billing.circuitOpen = true;
  samples = parseMetricsText(await m.registry.metrics());
  expect(seriesTotal(samples, 'external_call_circuit_open', { system: 'BILLING' })).toBe(1);
  expect(seriesTotal(samples, 'external_call_circuit_open', { system: 'CRM' })).toBe(0);
  stop();
});
