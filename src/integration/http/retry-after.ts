/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now(), capMs = 10 * 60_000): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, capMs);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), capMs);
}
