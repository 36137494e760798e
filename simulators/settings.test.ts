import { ConfigError } from '../src/platform/config.ts';
import { simulatorSettings } from './settings.ts';

describe('simulatorSettings: Kafka', () => {
  it('publishes to the farm\'s KAFKA_BROKERS by default', () => {
    expect(simulatorSettings({ KAFKA_BROKERS: '10.0.0.1:9092,10.0.0.2:9092' }).kafkaBrokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(simulatorSettings({ SIMULATOR_KAFKA: 'on' }).kafkaBrokers).toEqual(expect.arrayContaining([expect.any(String)]));
  });

  it('has no Kafka with SIMULATOR_KAFKA=off', () => {
    expect(simulatorSettings({ SIMULATOR_KAFKA: 'off' }).kafkaBrokers).toBeUndefined();
    expect(simulatorSettings({ SIMULATOR_KAFKA: 'OFF' }).kafkaBrokers).toBeUndefined();
  });

  it('refuses another value, naming the variable', () => {
    expect(() => simulatorSettings({ SIMULATOR_KAFKA: 'maybe' })).toThrow(ConfigError);
    expect(() => simulatorSettings({ SIMULATOR_KAFKA: 'maybe' })).toThrow(/SIMULATOR_KAFKA/);
  });
});
