import net from 'node:net';

/** The names a browser on this machine writes in `Host` for a server on loopback. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** Addresses that bind every interface: not names anyone reaches the server by. */
const EVERY_INTERFACE = ['0.0.0.0', '::'];

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * The `Host` headers of requests meant for a listener on `host:port`: its own address and, on loopback, the loopback
 * names. One on every interface is reached here under the loopback names (the compose stack publishes the codec's port
 * on the machine's loopback only). A request under any other name comes from a page that made its own name resolve to
 * this machine (DNS rebinding), or from someone who did not mean this server.
 */
export function hostsOfListener(listensOn: string, port: number): string[] {
  const host = listensOn.toLowerCase();
  const everyInterface = EVERY_INTERFACE.includes(host);
  const own = everyInterface ? [] : [net.isIPv6(host) ? `[${host}]` : host];
  const names = isLoopback(host) || everyInterface ? [...own, ...LOOPBACK_NAMES] : own;
  return [...new Set(names)].map((name) => `${name}:${port}`);
}
