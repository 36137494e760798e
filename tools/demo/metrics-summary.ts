// The demo's last look at the farm: each replica's /metrics scraped before it stops, saved beside
// its log, and the named series (seed 000 §24 plus the job series) totalled across replicas.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseMetricsText, seriesTotal, type Sample } from '../../src/platform/metrics-text.ts';

export const NAMED_SERIES = [
  'job_activated_total',
  'job_completed_total',
  'job_failed_total',
  'job_bpmn_error_total',
  'job_incident_total',
  'job_handler_duration_ms',
  'external_call_total',
  'external_call_latency_ms',
  'external_call_retry_total',
  'external_call_ambiguous_total',
  'external_call_circuit_open',
  'reconciliation_case_total',
] as const;

export interface ReplicaScrape {
  readonly replica: string;
  readonly file?: string;
  readonly error?: string;
  readonly samples: readonly Sample[];
}

/** Scrapes each replica and saves the raw text as <dir>/metrics-<replica>.prom. Never throws. */
export async function scrapeReplicas(replicas: readonly { readonly name: string; readonly url: string }[], dir: string): Promise<ReplicaScrape[]> {
  return Promise.all(
    replicas.map(async ({ name, url }): Promise<ReplicaScrape> => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) return { replica: name, error: `HTTP ${res.status}`, samples: [] };
        const text = await res.text();
        const file = path.join(dir, `metrics-${name}.prom`);
        writeFileSync(file, text);
        return { replica: name, file, samples: parseMetricsText(text) };
      } catch (err) {
        return { replica: name, error: (err as Error).message, samples: [] };
      }
    }),
  );
}

/** A reading of a series taken at another moment (a gauge while something was happening). */
export interface ExtraReading {
  readonly label: string;
  readonly series: (typeof NAMED_SERIES)[number];
  readonly scrapes: readonly ReplicaScrape[];
}

function row(label: string, name: string, scrapes: readonly ReplicaScrape[]): string[] {
  const per = scrapes.map((s) => seriesTotal(s.samples, name));
  const present = per.some((v) => v !== undefined);
  const sum = per.reduce<number>((a, v) => a + (v ?? 0), 0);
  return [label, present ? String(sum) : 'absent', ...per.map((v) => (v === undefined ? '-' : String(v)))];
}

/**
 * Rows: series, total across replicas (histograms: observations; the circuit gauge: circuits open
 * at the moment of the scrape), per replica; each extra reading right below its series.
 */
export function seriesRows(scrapes: readonly ReplicaScrape[], extra: readonly ExtraReading[] = []): string[][] {
  return NAMED_SERIES.flatMap((name) => [row(name, name, scrapes), ...extra.filter((e) => e.series === name).map((e) => row(e.label, name, e.scrapes))]);
}
