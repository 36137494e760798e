// ISO 8601 timer values as Zeebe reads them: a date-time, a duration (PnYnMnDTnHnMnS, PnW) and a
// cycle R[n]/[start/]duration (R/… is unbounded). Durations with years or months move by calendar.

export type TimerSchedule =
  | { readonly ok: true; readonly dueAt: number; readonly repetitions: number; readonly interval: string | undefined }
  | { readonly ok: false; readonly message: string };

const DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** from + duration, or undefined when the text is no ISO 8601 duration */
export function addDuration(from: number, text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, negative, years, months, weeks, days, hours, minutes, seconds] = match;
  const sign = negative ? -1 : 1;
  const date = new Date(from);
  if (years || months) {
    // calendar months clamp to the target month's last day (Jan 31 + P1M = Feb 28), as java.time does
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + sign * (Number(years ?? 0) * 12 + Number(months ?? 0)));
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, lastDay));
  }
  const ms =
    Number(weeks ?? 0) * 604_800_000 + Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000;
  return date.getTime() + sign * Math.round(ms);
}

/** ms the zone's wall clock is ahead of UTC at that instant */
function zoneOffset(epochMs: number, zone: string): number | undefined {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(epochMs));
    const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
    const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
    return wall - Math.floor(epochMs / 1000) * 1000;
  } catch {
    return undefined;
  }
}

/** ISO date-time, also FEEL's zoned forms `…@Europe/Berlin` and `…[Europe/Berlin]` */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  const zoned = /^(.+?)(?:@|\[)([A-Za-z_]+\/[A-Za-z_/+-]+|UTC)\]?$/.exec(trimmed);
  if (zoned && !/(Z|[+-]\d\d:?\d\d)$/.test(zoned[1]!)) {
    const asUtc = Date.parse(`${zoned[1]}Z`);
    if (Number.isNaN(asUtc)) return undefined;
    const first = zoneOffset(asUtc, zoned[2]!);
    if (first === undefined) return undefined;
    return asUtc - (zoneOffset(asUtc - first, zoned[2]!) ?? first);
  }
  const ms = Date.parse(zoned ? zoned[1]! : trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

export function scheduleTimer(kind: 'date' | 'duration' | 'cycle', value: string, now: number): TimerSchedule {
  if (kind === 'date') {
    const dueAt = parseDate(value);
    return dueAt === undefined ? { ok: false, message: `Invalid date-time format '${value}'` } : { ok: true, dueAt, repetitions: 1, interval: undefined };
  }
  if (kind === 'duration') {
    const dueAt = addDuration(now, value);
    return dueAt === undefined ? { ok: false, message: `Invalid duration format '${value}'` } : { ok: true, dueAt, repetitions: 1, interval: undefined };
  }
  const parts = value.trim().split('/');
  const repeat = /^R(\d*)$/.exec(parts[0] ?? '');
  if (!repeat || parts.length < 2 || parts.length > 3) return { ok: false, message: `Invalid cycle format '${value}' (cron expressions are not supported)` };
  const repetitions = repeat[1] === '' ? -1 : Number(repeat[1]);
  const interval = parts[parts.length - 1] ?? '';
  let start = now;
  if (parts.length === 3) {
    const startAt = parseDate(parts[1] ?? '');
    if (startAt === undefined) return { ok: false, message: `Invalid cycle start '${parts[1]}'` };
    start = startAt;
    // an explicit start in the future is the first due date
    if (start > now) return { ok: true, dueAt: start, repetitions, interval };
  }
  const dueAt = addDuration(start, interval);
  if (dueAt === undefined) return { ok: false, message: `Invalid cycle format '${value}'` };
  if (repetitions === 0) return { ok: false, message: `Invalid cycle '${value}': no repetitions` };
  return { ok: true, dueAt, repetitions, interval };
}
