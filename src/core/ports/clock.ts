// The time the core decides by. Injected so that decisions that depend on "now" (case deadlines,
// sweep windows, retry back-off) can be tested without waiting or patching globals.
export interface Clock {
  now(): Date;
}
