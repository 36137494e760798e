// What the server needs from each simulated system: its routes, and a way to forget its state.
import type { SystemDefinition } from '../kit/system-routes.ts';

export interface SimulatedSystem {
  readonly definition: SystemDefinition;
  /** forgets every record (and cancels pending work) */
  reset(): void;
  /** stops background work for good; awaited by close() */
  close?(): Promise<void>;
}
