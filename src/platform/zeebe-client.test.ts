import { Zeebe } from '@camunda8/sdk';
import { createZeebeClient } from './zeebe-client.ts';

test("the gRPC client comes from the SDK's own zeebe module (an SDK upgrade that moves it fails here) and reaches the engine", async () => {
  const zeebe = createZeebeClient();
  try {
    expect(zeebe).toBeInstanceOf(Zeebe.ZeebeGrpcClient);
    const topology = await zeebe.topology();
    expect(topology.brokers.length).toBeGreaterThan(0);
  } finally {
    await zeebe.close();
  }
});
