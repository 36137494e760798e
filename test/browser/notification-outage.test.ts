// In a real browser: the notification provider is down (503 on every message), the confirmation step
// spends its retries and raises an incident. The operator finds the order among those with an
// incident (the orders list's filter), sees the incident on the order page (its element marked on
// the diagram, the message saying what failed), and once the provider is back presses Retry there;
// the order completes.
import type { Browser, Locator } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { BrowserScenario } from './support/browser.ts';
import { diagramShape, orderPageLoaded, reloadUntil, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
beforeAll(async () => {
  setup = await startConsoleSetup();
  ({ h, browser } = setup);
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

test('the incident shows on the order page; Retry after the provider is back completes the order', async () => {
  const order = sampleOrder();
  await h.fault({ system: 'notification', operation: 'sendMessage', match: { to: order.contact.email }, fault: { type: 'status', status: 503 }, times: -1 });
  const orderId = await h.submitOrder(order);
  const incident = await h.pt.awaitIncident(await h.processInstanceOf(orderId), 'ServiceTask_NotifyCustomer', { timeoutMs: 90_000 });
  expect(incident.errorMessage).toMatch(/^\[SERVER_ERROR\] NOTIFICATION/);

  const s = await BrowserScenario.open(browser, 'notification outage');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator');
    // the open incidents, newest first, each named by its order
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('incident-order-link').filter({ hasText: orderId }).first().waitFor();
    await s.step('the incident among the open incidents, linked to its order');
    // the orders with an incident, narrowed to this order by its id
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('orders-filter-incidents').click();
    await page.getByTestId('orders-search').fill(orderId);
    await page.getByTestId('orders-search-submit').click();
    const listed = page.locator(`[data-testid="order-row"][data-order-id="${orderId}"]`);
    await listed.getByTestId('order-flag-incident').waitFor();
    await s.step('the order among the orders with an incident');
    await listed.getByTestId('order-link').click();
    await orderPageLoaded(s);

    const row = page.getByTestId('incident-row').filter({ hasText: 'ServiceTask_NotifyCustomer' });
    await row.waitFor();
    await expectText(row.getByTestId('incident-message'), /\[SERVER_ERROR\] NOTIFICATION/);
    await page.getByTestId('order-diagram').locator(diagramShape('ServiceTask_NotifyCustomer', 'state-incident')).waitFor();
    await page.getByTestId('order-status').filter({ hasText: 'IN_FULFILLMENT' }).waitFor();
    // the ledger says the same: three tries, each a 503
    const step = page.locator('[data-testid="order-step"][data-task-type="NOTIFY_CUSTOMER"]');
    await step.getByTestId('attempt-failure-category').filter({ hasText: 'SERVER_ERROR' }).first().waitFor();
    await s.step('the incident on the order page');

    // the provider is back; the operator retries from the page
    await h.clearFaults();
    await page.getByTestId('retry-incidents').click();
    await page.getByTestId('retry-outcome').filter({ hasText: /Retried 1 job/ }).waitFor();
    await s.step('retried from the page');

    await reloadUntil(s, () => page.getByTestId('order-status'), 'COMPLETED', 60_000);
    await orderPageLoaded(s);
    await page.getByTestId('order-no-incidents').waitFor();
    await page.getByTestId('order-diagram').locator(diagramShape('EndEvent_OrderCompleted', 'state-completed')).waitFor();
    await step.getByTestId('attempt-outcome').filter({ hasText: 'SUCCEEDED' }).waitFor();
    await s.step('the order completed');
  });
  expect(await h.orderStatus(orderId)).toBe('COMPLETED');
  expect((await h.sideEffects({ system: 'notification' })).filter((effect) => effect.ref.includes(orderId))).toHaveLength(1);
}, 180_000);

async function expectText(target: Locator, text: RegExp): Promise<void> {
  await target.filter({ hasText: text }).waitFor();
}
