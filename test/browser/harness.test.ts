// The browser harness itself, on a small local page: Debian's Chromium starts headless, each step
// leaves a screenshot of the page's size, the console is kept, and an uncaught page error fails.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, chromiumVersion } from '../../stack/prereq.ts';
import { BROWSER_OUTPUT, BrowserScenario, PageError, launchChromium } from './support/browser.ts';

const pages: Record<string, string> = {
  '/': `<!doctype html><meta name="viewport" content="width=device-width, initial-scale=1">
    <h1 data-testid="title">Harness page</h1><button data-testid="go">Go</button><p data-testid="out"></p>
    <script>
      console.log('page loaded');
      document.querySelector('[data-testid=go]').addEventListener('click', () => { document.querySelector('[data-testid=out]').textContent = 'clicked'; });
    </script>`,
  '/tall': `<!doctype html><div style="height: 30000px; background: linear-gradient(#fff, #333)">tall</div>`,
  '/throws': `<!doctype html><button data-testid="boom">Boom</button>
    <script>document.querySelector('[data-testid=boom]').addEventListener('click', () => { throw new Error('handler broke'); });</script>`,
};

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

let server: Server;
let base: string;
let browser: Browser;
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 300_000); // a first run may install chromium with apt-get
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test("the browser is Debian's Chromium, the one playwright-core drives", () => {
  expect(chromiumVersion()).toMatch(/^Chromium \d+\.[\d.]+ built on Debian/);
  expect(chromiumVersion()).toContain(browser.version());
  expect(CHROMIUM).toBe('/usr/bin/chromium');
});

test('each step is a screenshot at 1280 wide, kept with the page console', async () => {
  const s = await BrowserScenario.open(browser, 'harness desktop');
  const shots: string[] = [];
  await s.run(async ({ page }) => {
    await page.goto(base);
    shots.push(await s.step('page loaded'));
    await page.getByTestId('go').click();
    await expectText(s, 'out', 'clicked');
    shots.push(await s.step('after the click'));
  });
  expect(shots.map((f) => path.relative(BROWSER_OUTPUT, f))).toEqual([path.join('harness-desktop', '01-page-loaded.png'), path.join('harness-desktop', '02-after-the-click.png')]);
  expect(pngSize(shots[0] as string).width).toBe(1280);
  expect(readFileSync(path.join(s.dir, 'console.log'), 'utf8')).toMatch(/console\.log page loaded/);
});

test("a phone's width", async () => {
  const s = await BrowserScenario.open(browser, 'harness phone', 'phone');
  await s.run(async ({ page }) => {
    await page.goto(base);
    // the page's own idea of its width (a string: the repo's type check has no DOM library)
    expect(await page.evaluate('innerWidth')).toBe(390);
    expect(pngSize(await s.step('page loaded')).width).toBe(390);
  });
});

test('a very tall page is kept down to 8000 px', async () => {
  const s = await BrowserScenario.open(browser, 'harness tall page');
  await s.run(async ({ page }) => {
    await page.goto(`${base}/tall`);
    expect(pngSize(await s.step('tall page'))).toEqual({ width: 1280, height: 8000 });
  });
});

test('an uncaught page error fails the scenario and leaves a screenshot of the failure', async () => {
  const s = await BrowserScenario.open(browser, 'harness page error');
  await expect(
    s.run(async ({ page }) => {
      await page.goto(`${base}/throws`);
      await page.getByTestId('boom').click();
      await page.waitForTimeout(100);
      await s.step('after the click');
    }),
  ).rejects.toThrow(PageError);
  expect(existsSync(path.join(s.dir, '02-failed.png'))).toBe(true);
  expect(readFileSync(path.join(s.dir, 'console.log'), 'utf8')).toMatch(/PAGE ERROR Error: handler broke/);
});

async function expectText(s: BrowserScenario, testId: string, text: string): Promise<void> {
  await s.page.getByTestId(testId).filter({ hasText: text }).waitFor();
}
