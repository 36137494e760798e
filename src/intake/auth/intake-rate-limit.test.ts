// The token bucket of the settings mapped onto the plugin's fixed window: the same sustained rate,
// the burst served at once.
import { rateWindow } from './intake-rate-limit.ts';

test.each([
  [{ perSecond: 100, burst: 200 }, { max: 200, timeWindowMs: 2_000 }],
  [{ perSecond: 1, burst: 3 }, { max: 3, timeWindowMs: 3_000 }],
  [{ perSecond: 50, burst: 10 }, { max: 10, timeWindowMs: 200 }],
  [{ perSecond: 3, burst: 1 }, { max: 1, timeWindowMs: 334 }],
])('%j → %j', (limit, window) => {
  expect(rateWindow(limit)).toEqual(window);
});
