// The order intake as a process of its own, for the fuzz, load and canary benches: composed exactly
// as `npm run intake` composes it (src/main/compose.ts composeIntake), so whatever hardening the
// intake has (bearer tokens, rate limits, engine deadlines, load shedding) is what the bench meets.
// One bench-only change: the start messages it publishes carry `--suffix`, so an accepted order
// starts the bench's isolated model copy (or, for a suffix nobody deployed, no instance at all)
// and never the demo's. The suffix is added where every unary gRPC call of the process passes
// (grpc-js Client.makeUnaryRequest), because composeIntake builds its publisher itself.
// Started by bench/support/intake-child.ts, compiled (bench/.build, as the replicas), with HTTP_PORT
// and the rest of its configuration in env.
import * as grpc from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import { MODEL_SUFFIX } from '../../src/adapters/engine/model-suffix.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { composeIntake, exitProcess } from '../../src/main/compose.ts';

const { values } = parseArgs({ options: { suffix: { type: 'string' } } });
const suffix = values.suffix;
if (!suffix || !MODEL_SUFFIX.test(suffix)) {
  console.error('usage: intake-process.ts --suffix <model copy suffix>');
  process.exit(2);
}

type UnaryRequest = (this: grpc.Client, method: string, ...rest: unknown[]) => unknown;
const proto = grpc.Client.prototype as unknown as { makeUnaryRequest: UnaryRequest };
const unary = proto.makeUnaryRequest;
proto.makeUnaryRequest = function suffixedPublish(this: grpc.Client, method: string, ...rest: unknown[]) {
  // rest: serialize, deserialize, argument, ...
  const argument = rest[2] as { name?: unknown } | undefined;
  if (method.endsWith('/PublishMessage') && argument && typeof argument.name === 'string') rest[2] = { ...argument, name: `${argument.name}-${suffix}` };
  return unary.call(this, method, ...rest);
};

const intake = await composeIntake(loadConfig());
await intake.serve();
intake.log.info({ suffix, pid: process.pid }, 'bench intake ready');
async function shutdown(signal: string): Promise<void> {
  intake.log.info({ signal }, 'intake stopping');
  await intake.stop();
  exitProcess(intake.log, 0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
