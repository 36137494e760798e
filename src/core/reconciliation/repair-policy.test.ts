import { repairRule } from './repair-policy.ts';

test('a read left unfinished (a worker killed mid-call) is asked again without a person', () => {
  for (const [system, operation] of [['CRM', 'VALIDATE_ACCOUNT'], ['PROVISIONING', 'CHECK_STATUS']] as const) {
    expect(repairRule(system, operation)).toMatchObject({ repeatable: true, recordObservedSuccess: false, resendWhenAbsent: false });
  }
});

test('side effects are never repeated blindly; unknown operations go to a person', () => {
  for (const [system, operation] of [['BILLING', 'ACTIVATE_SUBSCRIPTION'], ['INVENTORY', 'RESERVE_RESOURCE'], ['PROVISIONING', 'ACTIVATE_SERVICE'], ['NOTIFICATION', 'SEND_ORDER_CONFIRMATION']] as const) {
    expect(repairRule(system, operation).repeatable).toBe(false);
  }
  expect(repairRule('ERP', 'POST_INVOICE')).toMatchObject({ repeatable: false, recordObservedSuccess: false, resendWhenAbsent: false, why: 'no automatic repair is defined for ERP POST_INVOICE' });
});

test('only a system that deduplicates by our key may have "absent" acted on at once; the notification provider does not', () => {
  for (const [system, operation] of [['BILLING', 'ACTIVATE_SUBSCRIPTION'], ['INVENTORY', 'RESERVE_RESOURCE'], ['PROVISIONING', 'ACTIVATE_SERVICE'], ['PROVISIONING', 'DEACTIVATE_SERVICE']] as const) {
    expect(repairRule(system, operation)).toMatchObject({ resendWhenAbsent: true, deduplicatesByKey: true });
  }
  expect(repairRule('NOTIFICATION', 'SEND_ORDER_CONFIRMATION')).toMatchObject({ resendWhenAbsent: true, deduplicatesByKey: false });
  expect(repairRule('ERP', 'POST_INVOICE').deduplicatesByKey).toBe(false);
});
