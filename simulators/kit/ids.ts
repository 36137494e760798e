// Identifiers the simulated systems hand out, in each system's own style (prefix + random hex):
// random rather than counted, so ids never repeat across a reset() within one test run.
import { randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`;
}
