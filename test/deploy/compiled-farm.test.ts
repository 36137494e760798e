// The image runs the compiled farm (`node dist/src/main/farm.js`, no type stripping): built from
// this checkout, it starts against the stack (migrations found from dist/), opens its job streams,
// answers ready on its operations port, and drains and exits 0 on SIGTERM.
import { randomUUID } from 'node:crypto';
import { COMPILED_FARM, FarmReplica } from '../support/farm-replica.ts';

let replica: FarmReplica | undefined;
afterAll(async () => replica?.stop());

test('node dist/src/main/farm.js starts, is ready, and drains on SIGTERM', async () => {
  // a suffix no model carries: the replica serves nothing, which is all this test needs
  const suffix = `c${randomUUID().slice(0, 8)}`;
  replica = FarmReplica.start('compiled-farm', ['--model-suffix', suffix, '--concurrency', '2'], { LOG_LEVEL: 'info', FARM_HTTP_PORT: '0' });
  expect(COMPILED_FARM).toMatch(/dist\/src\/main\/farm\.js$/);
  const ready = await replica.awaitLog('farm ready');
  expect(ready.jobTypes).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`-${suffix}$`))]));
  const url = String((await replica.awaitLog('operations endpoints listening')).url);
  const res = await fetch(`${url}/health/ready`);
  expect(res.status).toBe(200);
  replica.signal('SIGTERM');
  expect(await replica.exited).toEqual({ code: 0, signal: null });
}, 90_000);
