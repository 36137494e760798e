// Test support: a tiny local HTTP server (port 0) that answers with canned responses and records
// every request, so adapter tests check the mapping of real HTTP exchanges without the simulators.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CannedReply {
  readonly status: number;
  /** serialised as JSON unless rawBody is given */
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** answer only after this long (to run into the client's timeout) */
  readonly delayMs?: number;
  /** close the connection without answering (after the request was read) */
  readonly drop?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

type Responder = CannedReply | ((req: RecordedRequest) => CannedReply);

export class CannedHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private responder: Responder = { status: 500, body: { code: 'NO_CANNED_REPLY' } };

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://local');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: text ? safeJson(text) : undefined };
        this.requests.push(recorded);
        const reply = typeof this.responder === 'function' ? this.responder(recorded) : this.responder;
        if (reply.delayMs) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            write(res, reply);
          }, reply.delayMs);
          this.timers.add(timer);
        } else write(res, reply);
      });
    });
  }

  static async start(port = 0): Promise<CannedHttpServer> {
    const s = new CannedHttpServer();
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(port, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** e.g. http://127.0.0.1:PORT/crm */
  url(prefix = ''): string {
    return `http://127.0.0.1:${this.port}${prefix}`;
  }

  /** Every following request gets this answer (or the function's answer). */
  respond(responder: Responder): void {
    this.responder = responder;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function write(res: ServerResponse, reply: CannedReply): void {
  if (res.destroyed) return;
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const text = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
  res.end(text);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
