// In a real browser: billing takes the activation but its answer never arrives (the call times out
// after the request committed there), so nobody knows the outcome. A reconciliation case is opened
// and the order waits on an incident that names it. The operator sees the incident, is refused a
// Retry while the case is open (the page says why), opens the case: what the reconciler saw, its
// history. Once billing's lookup answers again the reconciler observes the activation, resolves
// the case and the order completes: one activation in billing.
import type { Browser } from 'playwright-core';
import type { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { BrowserScenario } from './support/browser.ts';
import { diagramShape, openOrderFromList, orderPageLoaded, reloadUntil, signIn, startConsoleSetup, type ConsoleSetup } from './support/console.ts';

let setup: ConsoleSetup | undefined;
let h: FulfillmentHarness;
let browser: Browser;
beforeAll(async () => {
  setup = await startConsoleSetup({ env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500', RECONCILIATION_RECHECK_DELAY: 'PT10S' } });
  ({ h, browser } = setup);
}, 120_000);
afterAll(async () => {
  await setup?.close();
});

test("the case shows what the reconciler saw and how it was resolved; Retry is refused while it is open", async () => {
  const order = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  // billing's status lookup is down at first, so the case stays open while the operator looks
  await h.fault({ system: 'billing', operation: 'findActivations', fault: { type: 'status', status: 503 }, times: -1 });
  const orderId = await h.submitOrder(order);
  await h.pt.awaitIncident(await h.processInstanceOf(orderId), 'ServiceTask_ActivateBilling', { timeoutMs: 60_000 });
  const [kase] = await h.cases(orderId);
  if (kase === undefined) throw new Error('no reconciliation case was opened');

  const s = await BrowserScenario.open(browser, 'ambiguous billing');
  await s.run(async ({ page }) => {
    await signIn(s, h.intakeUrl, 'operator');
    await openOrderFromList(s, orderId);
    const incident = page.getByTestId('incident-row').filter({ hasText: 'ServiceTask_ActivateBilling' });
    await incident.getByTestId('incident-message').filter({ hasText: /AMBIGUOUS_OUTCOME/ }).waitFor();
    await incident.getByTestId('incident-message').filter({ hasText: kase.reconciliation_case_id }).waitFor();
    await page.getByTestId('order-diagram').locator(diagramShape('ServiceTask_ActivateBilling', 'state-incident')).waitFor();
    await page.getByTestId('order-case-row').filter({ hasText: 'AMBIGUOUS_OUTCOME' }).waitFor();
    await s.step('the incident names the reconciliation case');

    // a retry by hand could bill twice: the farm refuses it and the page says why
    await page.getByTestId('retry-incidents').click();
    await page.getByTestId('retry-outcome').filter({ hasText: /Not retried: .*reconciliation case/ }).waitFor();
    await s.step('Retry refused while the case is open');

    await page.getByTestId('order-case-row').getByTestId('case-link').click();
    await page.getByTestId('case-detail-status').waitFor();
    expect(await page.getByTestId('case-detail-status').textContent()).not.toBe('RESOLVED');
    await page.getByTestId('case-evidence-row').filter({ hasText: 'AMBIGUOUS' }).first().waitFor();
    await page.getByTestId('case-attempt').filter({ hasText: 'ACTIVATE_SUBSCRIPTION' }).waitFor();
    // the reconciler's first check could not ask billing
    await page.getByTestId('case-history-row').filter({ hasText: 'billing could not be asked' }).first().waitFor();
    await s.step('the open case: the attempt and what the reconciler saw');

    // billing's lookup answers again: the reconciler's next check observes the activation
    await h.clearFaults();
    await reloadUntil(s, () => page.getByTestId('case-detail-status'), 'RESOLVED', 90_000);
    // what it saw: billing holds the activation under the order's key; the ledger repaired, the job resumed
    await page.getByTestId('case-evidence-row').filter({ hasText: 'RECONCILIATION' }).filter({ hasText: 'billing holds activation' }).waitFor();
    await page.getByTestId('case-history-row').filter({ hasText: 'REPAIRED' }).waitFor();
    await page.getByTestId('case-history-row').filter({ hasText: 'RESUMED' }).waitFor();
    await s.step('the case resolved by the reconciler, with its history');

    await page.getByRole('link', { name: orderId }).click();
    await reloadUntil(s, () => page.getByTestId('order-status'), 'COMPLETED', 60_000);
    await orderPageLoaded(s);
    await page.getByTestId('order-no-incidents').waitFor();
    await page.getByTestId('order-case-row').filter({ hasText: 'RESOLVED' }).waitFor();
    await s.step('the order completed');
  });
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
  expect((await h.cases(orderId)).map((entry) => entry.status)).toEqual(['RESOLVED']);
}, 240_000);
