// Everything the simulators remember, in one object: the server owns it, the control API and
// in-process tests read it, reset() forgets it.
import type { FaultRuleBook } from './kit/fault-rules.ts';
import type { KafkaPublisher } from './kit/kafka-publisher.ts';
import type { SideEffectRecorder } from './kit/side-effects.ts';
import type { createBillingSystem } from './systems/billing.ts';
import type { createCrmSystem } from './systems/crm.ts';
import type { createInventorySystem } from './systems/inventory.ts';
import type { createNotificationSystem } from './systems/notification.ts';
import type { createProvisioningSystem } from './systems/provisioning.ts';

export interface SimulatedSystems {
  readonly crm: ReturnType<typeof createCrmSystem>;
  readonly inventory: ReturnType<typeof createInventorySystem>;
  readonly provisioning: ReturnType<typeof createProvisioningSystem>;
  readonly billing: ReturnType<typeof createBillingSystem>;
  readonly notification: ReturnType<typeof createNotificationSystem>;
}

export interface SimulatorState extends SimulatedSystems {
  readonly faults: FaultRuleBook;
  readonly sideEffects: SideEffectRecorder;
  /** the simulators' Kafka client; undefined when started without kafkaBrokers */
  readonly kafka: KafkaPublisher | undefined;
  /** forgets all records, rules and pending provisioning work */
  reset(): void;
}

export function createState(faults: FaultRuleBook, sideEffects: SideEffectRecorder, systems: SimulatedSystems, kafka?: KafkaPublisher): SimulatorState {
  return {
    ...systems,
    faults,
    sideEffects,
    kafka,
    reset: () => {
      faults.clear();
      sideEffects.clear();
      for (const system of Object.values(systems)) system.reset();
    },
  };
}
