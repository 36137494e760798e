// In a real browser: the operator signs in, finds a fulfilled two-item order in the orders list and
// opens it: its diagram with the completed elements marked and the multi-instance counts, its steps
// with the ledger's attempts and keys, its lifecycle events. Also at a phone's width.
// CONSOLE_DOCS_SCREENSHOT=1 also writes the page as docs/console-order-page.png (the README's).
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { BrowserScenario } from './support/browser.ts';
import { diagramShape, openOrderFromList, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

const DOCS_SCREENSHOT = path.resolve(import.meta.dirname, '..', '..', 'docs', 'console-order-page.png');

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
let orderId: string;
beforeAll(async () => {
  setup = await startConsoleSetup({ events: true });
  ({ h, browser } = setup);
  orderId = await h.submitOrder(sampleOrder({ items: 2 }));
  await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
  await h.pt.awaitCompleted(await h.processInstanceOf(orderId));
}, 180_000);
afterAll(async () => {
  await setup?.close();
});

test('the operator signs in, finds the order and sees its diagram, steps and events', async () => {
  const s = await BrowserScenario.open(browser, 'order page');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator');
    await page.getByTestId('orders-table').waitFor();
    await s.step('signed in: the orders list');
    await openOrderFromList(s, orderId);

    await page.getByTestId('order-status').filter({ hasText: 'COMPLETED' }).waitFor();
    const diagram = page.getByTestId('order-diagram');
    await diagram.locator('svg').first().waitFor();
    // bpmn-visualization marks shapes by their BPMN id; the page adds the execution state as classes
    await diagram.locator(diagramShape('ServiceTask_NotifyCustomer', 'state-completed')).waitFor();
    await diagram.locator(diagramShape('EndEvent_OrderCompleted', 'state-completed')).waitFor();
    expect(await diagram.locator('.state-incident').count()).toBe(0);
    // two items: the multi-instance reservation ran twice
    await diagram.getByText('×2').first().waitFor();
    await page.getByTestId('order-no-incidents').waitFor();
    expect(await page.getByTestId('order-step').count()).toBeGreaterThanOrEqual(7);
    expect(await page.getByTestId('attempt-outcome').filter({ hasText: 'SUCCEEDED' }).count()).toBeGreaterThanOrEqual(7);
    await expectNoneFailed(page.getByTestId('attempt-outcome'));
    expect(await page.getByTestId('order-event-row').count()).toBeGreaterThan(0);
    await s.page.evaluate('scrollTo(0, 0)');
    const shot = await s.step('the order page with its diagram');
    if (process.env.CONSOLE_DOCS_SCREENSHOT) {
      // the README's picture: the first screen of the page (header, diagram), not the whole length
      await page.screenshot({ path: DOCS_SCREENSHOT });
      console.log(`README screenshot written: ${DOCS_SCREENSHOT} (full page: ${shot})`);
    }

    // a step's evidence opens in place
    await page.getByTestId('attempt-evidence').first().locator('summary').click();
    await page.getByTestId('evidence').first().waitFor();
    await s.step('evidence of the first attempt opened');
  });
}, 120_000);

test("the order page at a phone's width", async () => {
  const s = await BrowserScenario.open(browser, 'order page phone', 'phone');
  await s.run(async ({ page }) => {
    // a bookmarked address: the sign-in returns to it
    await signIn(s, h.intakeUrl, 'viewer', `/console/orders/${encodeURIComponent(orderId)}`);
    await page.getByTestId('order-status').filter({ hasText: 'COMPLETED' }).waitFor();
    await page.getByTestId('order-diagram').locator('svg').first().waitFor();
    await s.step('the order page on a phone');
    // nothing wider than the screen but the diagram's own scroll area
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
  });
}, 120_000);

async function expectNoneFailed(outcomes: ReturnType<BrowserScenario['page']['getByTestId']>): Promise<void> {
  expect(await outcomes.filter({ hasText: 'FAILED' }).count()).toBe(0);
}
