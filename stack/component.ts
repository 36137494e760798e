import type { StackSettings } from './settings.ts';

export interface ComponentStatus {
  readonly running: boolean;
  readonly ready: boolean;
  readonly detail: string;
}

/** One server of the local stack: how it is fetched, started, probed and stopped. */
export interface Component {
  readonly name: string;
  fetch(s: StackSettings): Promise<void>;
  up(s: StackSettings): Promise<void>;
  down(s: StackSettings): Promise<string>;
  status(s: StackSettings): Promise<ComponentStatus>;
  /** A line naming the running version, printed by `stack:up` and by the test run. */
  version(s: StackSettings): Promise<string>;
}
