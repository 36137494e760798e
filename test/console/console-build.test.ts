// The console's page type checks under its own tsconfig (DOM, no Node) and bundles: index.html,
// main.js and styles.css with source maps, minified, in well under the time a developer waits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConsole } from '../../console/build.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(path.join(tmpdir(), 'console-build-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

test('console/web and console/build.ts type check', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const project of ['console/web/tsconfig.json', 'console/tsconfig.json']) {
    const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(root, project)], { encoding: 'utf8' });
    expect({ project, output: run.stdout + run.stderr, status: run.status }).toEqual({ project, output: '', status: 0 });
  }
}, 120_000);

test('the bundle holds the page, its script and styles with source maps', async () => {
  const started = performance.now();
  await buildConsole(out);
  const elapsedMs = performance.now() - started;
  for (const file of ['index.html', 'main.js', 'main.js.map', 'styles.css', 'styles.css.map']) expect(statSync(path.join(out, file)).size).toBeGreaterThan(0);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  expect(html).toContain('/console/main.js');
  expect(html).toContain('data-testid="progress"');
  // minified: no line of the script is indented source
  expect(readFileSync(path.join(out, 'main.js'), 'utf8').split('\n').length).toBeLessThan(50);
  expect(elapsedMs).toBeLessThan(30_000);
}, 60_000);
