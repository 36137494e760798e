// A TCP proxy (node:net) in front of one address that slows what passes through it: every chunk,
// in each direction, is forwarded `delay` ms after it arrived. The delay can be changed while
// connections are open (a chunk already waiting is released by the delay in force, so making the
// proxy fast again frees held traffic at once), the proxy can stall (hold every byte until
// `resume`), and it can cut every connection. Tests put it between a client and the engine's
// gateway (gRPC or REST) or PostgreSQL to prove deadlines hold.
import net from 'node:net';

export interface LatencyProxyOptions {
  /** where the proxy forwards to */
  readonly targetHost: string;
  readonly targetPort: number;
  /** delay per chunk in ms at the start; 0 by default */
  readonly delayMs?: number;
  /** port to listen on; a free one by default */
  readonly listenPort?: number;
}

export interface LatencyProxy {
  readonly host: string;
  readonly port: number;
  /** host:port, for a gRPC address */
  readonly address: string;
  /** http://host:port, for a REST base URL */
  readonly url: string;
  /** the delay per chunk in force, ms */
  readonly delayMs: number;
  /** open client connections */
  readonly connections: number;
  setDelay(delayMs: number): void;
  /** hold every byte in both directions until `resume` */
  stall(): void;
  resume(): void;
  /** destroy every open connection; the proxy keeps listening */
  cutConnections(): void;
  close(): Promise<void>;
}

interface Pending {
  readonly chunk: Buffer;
  readonly arrivedAt: number;
}

/** One direction of one connection: chunks released in order once their delay has passed. */
class DelayedPipe {
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly to: net.Socket;
  private readonly settings: { delayMs: number; stalled: boolean };

  constructor(to: net.Socket, settings: { delayMs: number; stalled: boolean }) {
    this.to = to;
    this.settings = settings;
  }

  push(chunk: Buffer): void {
    this.queue.push({ chunk, arrivedAt: Date.now() });
    this.pump();
  }

  /** the source ended: end the destination once everything before it has been sent */
  end(): void {
    this.ended = true;
    this.pump();
  }

  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.settings.stalled || this.to.destroyed) return;
    const now = Date.now();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const due = head.arrivedAt + this.settings.delayMs;
      if (due > now) {
        this.timer = setTimeout(() => this.pump(), due - now);
        return;
      }
      this.queue.shift();
      this.to.write(head.chunk);
    }
    if (this.ended) this.to.end();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const settings = { delayMs: options.delayMs ?? 0, stalled: false };
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const pipes = new Set<DelayedPipe>();

  const server = net.createServer((client) => {
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const toUpstream = new DelayedPipe(upstream, settings);
    const toClient = new DelayedPipe(client, settings);
    clients.add(client);
    sockets.add(client);
    sockets.add(upstream);
    pipes.add(toUpstream);
    pipes.add(toClient);
    const teardown = (): void => {
      toUpstream.stop();
      toClient.stop();
      pipes.delete(toUpstream);
      pipes.delete(toClient);
      clients.delete(client);
      sockets.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => toUpstream.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    client.on('end', () => toUpstream.end());
    upstream.on('end', () => toClient.end());
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', teardown);
    upstream.on('close', teardown);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const host = '127.0.0.1';
  const repump = (): void => {
    for (const pipe of pipes) pipe.pump();
  };

  return {
    host,
    port,
    address: `${host}:${port}`,
    url: `http://${host}:${port}`,
    get delayMs() {
      return settings.delayMs;
    },
    get connections() {
      return clients.size;
    },
    setDelay(delayMs: number) {
      settings.delayMs = Math.max(0, delayMs);
      repump();
    },
    stall() {
      settings.stalled = true;
      repump();
    },
    resume() {
      settings.stalled = false;
      repump();
    },
    cutConnections() {
      for (const socket of [...sockets]) socket.destroy();
    },
    async close() {
      for (const socket of [...sockets]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
