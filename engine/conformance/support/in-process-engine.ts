// The project's engine, started in the Jest parent process (global setup and teardown share it).
// Loaded by path at run time: the suite must not depend on engine code at type level, so that it
// stays a black box and runs where the engine is not installed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of engine/src/start.ts's RunningEngine the suite needs. */
interface RunningEngine {
  readonly grpcPort: number;
  readonly restPort: number;
  stop(): Promise<void>;
}

type StartEngine = (options: { grpcPort: number; restPort: number; host?: string }) => Promise<RunningEngine>;

const startModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/start.ts');
const holder = globalThis as typeof globalThis & { conformanceEngine?: RunningEngine };

export const inProcessEngine = {
  async start(): Promise<RunningEngine> {
    const loaded = (await import(startModule)) as { startEngine: StartEngine };
    holder.conformanceEngine = await loaded.startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1' });
    return holder.conformanceEngine;
  },
  async stop(): Promise<void> {
    await holder.conformanceEngine?.stop();
    delete holder.conformanceEngine;
  },
};
