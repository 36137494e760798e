// Where the simulators take their defaults from: the farm's own configuration (so the expected
// credentials are exactly the ones the adapters send, and Kafka is the farm's broker), plus the
// simulator-only knobs.
import { z } from 'zod';
import { ConfigError, loadConfig } from '../src/platform/config.ts';

export interface SimulatorCredentials {
  readonly crmApiKey: string;
  readonly inventoryToken: string;
  readonly provisioningUsername: string;
  readonly provisioningPassword: string;
  readonly billingToken: string;
  readonly notificationApiKey: string;
  /** what provisioning signs its callbacks and result events with (the first of PROVISIONING_SIGNING_SECRETS) */
  readonly provisioningSigningSecret: string;
}

export interface SimulatorSettings {
  readonly port: number;
  readonly credentials: SimulatorCredentials;
  readonly completionDelayMs: number;
  /** KAFKA_BROKERS, or undefined when SIMULATOR_KAFKA=off (no result events, no /__sim/kafka) */
  readonly kafkaBrokers: readonly string[] | undefined;
}

const completionDelay = z.coerce.number().int().min(0).max(3_600_000).default(300);
const kafkaSwitch = z.enum(['on', 'off']).default('on');

export function simulatorSettings(env: NodeJS.ProcessEnv = process.env): SimulatorSettings {
  const config = loadConfig(env);
  const delay = completionDelay.safeParse(env.PROVISIONING_COMPLETION_DELAY_MS === '' ? undefined : env.PROVISIONING_COMPLETION_DELAY_MS);
  if (!delay.success) throw new ConfigError('invalid configuration:\n  PROVISIONING_COMPLETION_DELAY_MS: expected a whole number of milliseconds');
  const kafka = kafkaSwitch.safeParse(env.SIMULATOR_KAFKA === '' ? undefined : env.SIMULATOR_KAFKA?.toLowerCase());
  if (!kafka.success) throw new ConfigError('invalid configuration:\n  SIMULATOR_KAFKA: expected on or off');
  return {
    port: config.SIMULATOR_PORT,
    completionDelayMs: delay.data,
    kafkaBrokers: kafka.data === 'on' ? config.KAFKA_BROKERS : undefined,
    credentials: {
      crmApiKey: config.CRM_API_KEY,
      inventoryToken: config.INVENTORY_TOKEN,
      provisioningUsername: config.PROVISIONING_USERNAME,
      provisioningPassword: config.PROVISIONING_PASSWORD,
      billingToken: config.BILLING_TOKEN,
      notificationApiKey: config.NOTIFICATION_API_KEY,
      provisioningSigningSecret: config.PROVISIONING_SIGNING_SECRETS[0] ?? '',
    },
  };
}
