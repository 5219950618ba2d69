import { Socket } from 'node:net';

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Whether a server the tests need is listening (TCP connect, short timeout). When it is not: with
 * CI=true this throws (CI must run every test), elsewhere it prints why the tests are skipped and
 * returns false. Use with top-level await: `describe.skipIf(!(await requireServer(...)))`.
 */
export async function requireServer(name: string, host: string, port: number): Promise<boolean> {
  if (await tcpReachable(host, port, 1000)) return true;
  const message = `${name} at ${host}:${port} not reachable`;
  if (process.env['CI'] === 'true') throw new Error(`${message}: CI must run these tests; start ${name} first`);
  console.warn(`${message}: skipping its tests (they fail instead when CI=true)`);
  return false;
}

/** `requireServer` for the host and port of a server's URL (`port` when the URL names none). */
export function requireServerAt(name: string, url: string, port: number): Promise<boolean> {
  const at = new URL(url);
  return requireServer(name, at.hostname, Number(at.port || port));
}
