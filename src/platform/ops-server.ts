// The farm's operations HTTP server (the farm has no other HTTP surface): /metrics for Prometheus,
// /health/live and /health/ready for probes. Port 0 picks a free one (tests).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.ts';
import { opsResponse, type OpsEndpoints } from './ops-endpoints.ts';

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startOpsServer(opts: OpsEndpoints & { readonly host: string; readonly port: number; readonly log: Logger }): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = req.method === 'GET' || req.method === 'HEAD' ? opsResponse(opts, path) : Promise.resolve(undefined);
    answer
      .then((r) => {
        const out = r ?? { status: 404, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: `GET /metrics, /health/live or /health/ready; not ${req.method} ${path}` }) };
        res.writeHead(out.status, { 'content-type': out.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : out.body);
      })
      .catch((err: unknown) => {
        opts.log.error({ err: (err as Error).message, path }, 'operations endpoint failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    port,
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
