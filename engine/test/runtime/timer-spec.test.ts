import { addDuration, parseDate, scheduleTimer } from '../../src/runtime/timer-spec.ts';

describe('timer values', () => {
  it('durations, calendar months included', () => {
    expect(addDuration(0, 'PT1M30S')).toBe(90_000);
    expect(addDuration(0, 'P1W')).toBe(604_800_000);
    expect(addDuration(Date.UTC(2026, 0, 31), 'P1M')).toBe(Date.UTC(2026, 1, 28));
    expect(addDuration(Date.UTC(2026, 0, 15, 8), 'P1Y2M')).toBe(Date.UTC(2027, 2, 15, 8));
    expect(addDuration(0, 'nope')).toBeUndefined();
  });

  it('dates, zoned ones included', () => {
    expect(parseDate('2026-01-01T10:00:00Z')).toBe(Date.UTC(2026, 0, 1, 10));
    expect(parseDate('2026-01-01T10:00:00+01:00')).toBe(Date.UTC(2026, 0, 1, 9));
    expect(parseDate('2026-01-01T10:00:00@Europe/Berlin')).toBe(Date.UTC(2026, 0, 1, 9));
    expect(parseDate('2026-07-01T10:00:00[Europe/Berlin]')).toBe(Date.UTC(2026, 6, 1, 8));
  });

  it('cycles: bounded, unbounded, with a start', () => {
    expect(scheduleTimer('cycle', 'R3/PT1M', 0)).toEqual({ ok: true, dueAt: 60_000, repetitions: 3, interval: 'PT1M' });
    expect(scheduleTimer('cycle', 'R/PT1M', 0)).toEqual({ ok: true, dueAt: 60_000, repetitions: -1, interval: 'PT1M' });
    expect(scheduleTimer('cycle', 'R2/1970-01-01T01:00:00Z/PT1M', 0)).toEqual({ ok: true, dueAt: 3_600_000, repetitions: 2, interval: 'PT1M' });
    expect(scheduleTimer('cycle', '0 0 * * *', 0).ok).toBe(false);
  });
});
