import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FARM_NODE_FLAGS } from './node-flags.ts';

test('npm run farm starts the compiled replica with the heap settings (the image and manifests are checked in test/deploy)', () => {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.farm).toBe(`node ${FARM_NODE_FLAGS.join(' ')} dist/src/main/farm.js`);
});
