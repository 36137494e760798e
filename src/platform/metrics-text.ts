// Reads a /metrics scrape (Prometheus text format 0.0.4) back into samples: what the demo prints
// after its run and what tests assert on. Only what those need: names, labels, values.
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetricsText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k as string] = (v as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * The total of a series over all its label sets: a counter's or gauge's samples, a histogram's
 * observation count (`<name>_count`). undefined when the scrape has no sample of it.
 */
export function seriesTotal(samples: readonly Sample[], name: string, where: Readonly<Record<string, string>> = {}): number | undefined {
  const matching = (s: Sample) => Object.entries(where).every(([k, v]) => s.labels[k] === v);
  const own = samples.filter((s) => s.name === name && matching(s));
  const picked = own.length > 0 ? own : samples.filter((s) => s.name === `${name}_count` && matching(s));
  return picked.length === 0 ? undefined : picked.reduce((sum, s) => sum + s.value, 0);
}
