// `npm run build` (and build:if-stale): bundles the operator console's page (console/web, no
// framework) with esbuild into dist/console/: main.js + main.css, minified, with source maps, and
// index.html. The intake serves that folder at /console/ (src/intake/console/static-assets.ts).
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
export const CONSOLE_OUT_DIR = path.resolve(here, '..', 'dist', 'console');

export async function buildConsole(outDir: string = CONSOLE_OUT_DIR): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { main: path.join(here, 'web', 'main.ts'), styles: path.join(here, 'web', 'styles.css') },
    outdir: outDir,
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    logLevel: 'warning',
    legalComments: 'linked',
  });
  copyFileSync(path.join(here, 'web', 'index.html'), path.join(outDir, 'index.html'));
}

if (import.meta.main) {
  const started = performance.now();
  await buildConsole();
  console.log(`console built into ${path.relative(process.cwd(), CONSOLE_OUT_DIR) || CONSOLE_OUT_DIR} in ${Math.round(performance.now() - started)} ms`);
}
