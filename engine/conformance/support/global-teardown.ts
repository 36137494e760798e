import { inProcessEngine } from './in-process-engine.ts';

export default async function globalTeardown(): Promise<void> {
  await inProcessEngine.stop();
}
