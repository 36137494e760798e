import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_NODE_FLAGS } from '../../src/node-flags.ts';

describe('the engine process heap settings', () => {
  it('npm run engine passes every one of ENGINE_NODE_FLAGS before the entry point', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { scripts: Record<string, string> };
    const script = manifest.scripts.engine!;
    const entry = script.indexOf('engine/src/cli.ts');
    for (const flag of ENGINE_NODE_FLAGS) {
      expect(script.indexOf(flag)).toBeGreaterThan(-1);
      expect(script.indexOf(flag)).toBeLessThan(entry);
    }
  });
});
