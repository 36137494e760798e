// Outbox rows left unpublished by runs and tests whose relay is gone are published by the first
// relay that takes the lock — here, a bench replica's. The bench waits for that backlog before it
// measures, so a window counts this run's events only.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatabasePool } from 'slonik';
import { unpublishedOutboxRows } from '../../src/repositories/outbox-event.ts';
import { say } from './progress.ts';

export async function outboxBacklogPublished(db: DatabasePool, timeoutS = 120): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  let told = false;
  while ((await unpublishedOutboxRows(db, 1)).length > 0) {
    if (Date.now() > deadline) {
      say(`warning: outbox rows still unpublished after ${timeoutS} s (is another relay holding the lock?)`);
      return false;
    }
    if (!told) say('waiting for the relay to publish the outbox rows earlier runs left…');
    told = true;
    await sleep(500);
  }
  return true;
}
