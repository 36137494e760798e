// Unique names per test, so tests never meet each other's instances, jobs or messages, even on a
// shared cluster that keeps everything from earlier runs.
import { randomBytes } from 'node:crypto';

/** `prefix-<8 hex>`; usable as a BPMN id (starts with a letter, no spaces). */
export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
