// The project's engine as a separate process (`node engine/src/cli.ts`), for the durability test:
// it is killed with SIGKILL and started again on the same data directory. Spoken to only over its
// ports, like any cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './eventually.ts';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli.ts');

export interface EngineProcess {
  readonly grpcAddress: string;
  readonly restAddress: string;
  /** SIGKILL: no shutdown hook runs */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

export async function startEngineProcess(options: { dataDir: string; grpcPort: number; restPort: number }): Promise<EngineProcess> {
  const child = spawn(process.execPath, [cli, '--grpc-port', String(options.grpcPort), '--rest-port', String(options.restPort), '--host', '127.0.0.1', '--data-dir', options.dataDir, '--oauth', 'off', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const restAddress = `http://127.0.0.1:${options.restPort}`;
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`engine exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`${restAddress}/v2/topology`)).status;
      },
      (status) => status === 200,
      { timeoutMs: 20_000, what: `the engine process on ${restAddress}` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    grpcAddress: `grpc://127.0.0.1:${options.grpcPort}`,
    restAddress,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
