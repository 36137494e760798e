// Publishes a message to the engine; messageId makes a repeated publish a no-op while it lives.
export interface EngineMessage {
  readonly name: string;
  readonly correlationKey: string;
  readonly messageId: string;
  readonly variables: Record<string, unknown>;
  readonly timeToLiveMs: number;
}

export interface MessagePublisher {
  publish(message: EngineMessage): Promise<void>;
}
