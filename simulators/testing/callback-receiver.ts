// Test support: a tiny node:http server that receives callbacks, answering each with the next
// status of a script (then 200), so tests can check delivery and the provider's retries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  readonly body: unknown;
  readonly contentType: string | undefined;
  /** the body as sent (what the provider's signature covers) */
  readonly raw: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly answeredWith: number;
}

export interface CallbackReceiver {
  readonly url: string;
  readonly received: readonly ReceivedCallback[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(statuses: readonly number[] = []): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const script = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ body: text ? (JSON.parse(text) as unknown) : undefined, contentType: req.headers['content-type'], raw: text, headers: { ...req.headers }, answeredWith: status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbacks/provisioning`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
