// Child process for kill-restart.test.ts: the engine as cli.ts starts it, but with a snapshot every
// few commands (cli.ts has no flag for that), so a kill lands among snapshots and their segment
// switches. Logs the lines cli.ts logs that the test waits for.
import { startEngine } from '../../src/start.ts';

const [dataDir, snapshotEvery] = process.argv.slice(2);
if (dataDir === undefined || snapshotEvery === undefined) throw new Error('usage: engine-child.ts <data dir> <snapshot every n commands>');
const running = await startEngine({ grpcPort: 0, restPort: 0, host: '127.0.0.1', dataDir, snapshotEvery: Number(snapshotEvery) });
const log = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);
log({ msg: `gRPC gateway listening on ${running.grpcAddress}`, address: running.grpcAddress });
log({ msg: `REST API v2 listening on ${running.restAddress}`, address: running.restAddress });
log({ msg: 'engine ready' });
process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
