// The farm's registry: every job type it serves. The contracts check compares this list with the
// job types of the models in bpmn/.
import type { FarmServices } from '../src/core/services.ts';
import type { AnyWorker } from '../src/worker-runtime/define-worker.ts';
import activateBilling from './activate-billing.ts';
import activateService from './activate-service.ts';
import checkProvisioningStatus from './check-provisioning-status.ts';
import deactivateService from './deactivate-service.ts';
import notifyCustomer from './notify-customer.ts';
import recordOrderStatus from './record-order-status.ts';
import releaseInventory from './release-inventory.ts';
import reserveInventory from './reserve-inventory.ts';
import reconciliationApplyDecision from './reconciliation-apply-decision.ts';
import reconciliationCheckExternalState from './reconciliation-check-external-state.ts';
import reconciliationResumeFulfillment from './reconciliation-resume-fulfillment.ts';
import reconciliationSweepOpenCases from './reconciliation-sweep-open-cases.ts';
import validateCustomerAccount from './validate-customer-account.ts';

export const workers: readonly AnyWorker<FarmServices>[] = [
  validateCustomerAccount,
  reserveInventory,
  releaseInventory,
  activateService,
  deactivateService,
  checkProvisioningStatus,
  activateBilling,
  notifyCustomer,
  recordOrderStatus,
  reconciliationCheckExternalState,
  reconciliationApplyDecision,
  reconciliationResumeFulfillment,
  reconciliationSweepOpenCases,
];
