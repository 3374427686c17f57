import net from 'node:net';
import { ConfigError } from '../config/error';

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/** Free ports already handed out: the OS may offer a just-released port again before its server binds it. */
const handedOut = new Set<number>();

/**
 * The port a local server should take: the configured one, which must be free, or any free port for 0 (tests
 * run beside a running engine). A taken port is refused up front, naming the setting, rather than letting a new
 * server fail to bind while a stale one answers in its place.
 */
export async function localPort(port: number, setting: string, host = '127.0.0.1'): Promise<number> {
  try {
    if (port !== 0) return await listenOnce(port, host);
    for (;;) {
      const free = await listenOnce(0, host);
      if (!handedOut.has(free)) {
        handedOut.add(free);
        return free;
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new ConfigError(`port ${port} (${setting}) is in use: is officeflow already running? Stop it, or set ${setting} to a free port`);
  }
}
