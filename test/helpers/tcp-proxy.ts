import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The local port that forwards to the server. */
  readonly port: number;
  /** Stops listening and cuts every forwarded connection: the server is "down" at this port from now on. */
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1 to `host:port`, for tests where a server goes away mid-run: after
 * `close()` connections in use are reset and new ones are refused (ECONNREFUSED), as for a stopped server.
 * `listenPort` (default: any free port) lets a server be "started" at a port that refused connections before.
 */
export async function startTcpProxy(host: string, port: number, listenPort = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((client) => {
    const upstream = createConnection({ host, port });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.resetAndDestroy();
      }),
  };
}
