import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.ts';

// an echo server stands in for the engine
let echo: net.Server;
let echoPort: number;
let proxy: LatencyProxy;

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
  echoPort = (echo.address() as net.AddressInfo).port;
  proxy = await startLatencyProxy({ targetHost: '127.0.0.1', targetPort: echoPort });
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

async function connect(): Promise<net.Socket> {
  const socket = net.connect({ host: proxy.host, port: proxy.port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** ms from writing `text` until its echo came back */
function roundTrip(socket: net.Socket, text: string): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.length >= text.length) {
        socket.off('data', onData);
        resolve(Date.now() - started);
      }
    };
    socket.on('data', onData);
    socket.write(text);
  });
}

describe('latency proxy', () => {
  it('forwards at once without a delay and delays each direction by the delay set', async () => {
    const socket = await connect();
    expect(await roundTrip(socket, 'fast')).toBeLessThan(100);
    proxy.setDelay(150);
    // two directions, 150 ms each
    expect(await roundTrip(socket, 'slow')).toBeGreaterThanOrEqual(290);
    proxy.setDelay(0);
    socket.destroy();
  });

  it('holds bytes while stalled and releases them in order on resume', async () => {
    const socket = await connect();
    proxy.stall();
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write('one,');
    socket.write('two');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toBe('');
    proxy.resume();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toBe('one,two');
    socket.destroy();
  });

  it('making the proxy fast again frees traffic already waiting', async () => {
    const socket = await connect();
    proxy.setDelay(10_000);
    const pending = roundTrip(socket, 'held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.setDelay(0);
    expect(await pending).toBeLessThan(1_000);
    socket.destroy();
  });

  it('cuts open connections on demand', async () => {
    const socket = await connect();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(proxy.connections).toBeGreaterThanOrEqual(1);
    proxy.cutConnections();
    await closed;
  });
});
