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
  if (years || months) date.setUTCMonth(date.getUTCMonth() + sign * (Number(years ?? 0) * 12 + Number(months ?? 0)));
  const ms =
    Number(weeks ?? 0) * 604_800_000 + Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000;
  return date.getTime() + sign * Math.round(ms);
}

export function parseDate(text: string): number | undefined {
  const trimmed = text.trim().replace(/\[[^\]]+\]$/, '');
  const ms = Date.parse(trimmed);
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
