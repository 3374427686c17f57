import { readFileSync } from 'node:fs';
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

/**
 * Free ports already handed out: the OS may offer a just-released port again before its server binds it. A parent
 * process that hands a port to a server its children start later (the test run's codec endpoint) names it in
 * OFFICEFLOW_PORTS_HANDED_OUT, so that no other process picks it in the meantime.
 */
const HANDED_OUT_SETTING = 'OFFICEFLOW_PORTS_HANDED_OUT';
const handedOutByParents = () => (process.env[HANDED_OUT_SETTING] ?? '').split(',').filter(Boolean);
const handedOut = new Set<number>(handedOutByParents().map(Number));

/** Keeps `port` from every process started from here on: they inherit the environment. */
export function handOutToChildren(port: number): void {
  process.env[HANDED_OUT_SETTING] = [...handedOutByParents(), String(port)].join(',');
}

/**
 * Where free ports are picked: below the kernel's ephemeral range, which it hands to outgoing connections (a client of
 * PostgreSQL or Temporal could otherwise take a picked port before its server binds it).
 */
function pickRange(): [number, number] {
  try {
    const [ephemeralFrom] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (ephemeralFrom > 21_000) return [20_000, ephemeralFrom];
  } catch {
    // Not Linux: the OS's own choice below.
  }
  return [0, 0];
}
const [pickFrom, pickBelow] = pickRange();

/** A free port of the pick range not handed out yet, or undefined when a few tries found none. */
async function pickedPort(host: string): Promise<number | undefined> {
  for (let attempt = 0; pickBelow > pickFrom && attempt < 50; attempt++) {
    const candidate = pickFrom + Math.floor(Math.random() * (pickBelow - pickFrom));
    if (handedOut.has(candidate)) continue;
    try {
      return await listenOnce(candidate, host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return undefined;
}

/**
 * The port a local server should take: the configured one, which must be free, or any free port for 0 (tests
 * run beside a running engine). A taken port is refused up front, naming the setting, rather than letting a new
 * server fail to bind while a stale one answers in its place.
 */
export async function localPort(port: number, setting: string, host = '127.0.0.1'): Promise<number> {
  try {
    if (port !== 0) return await listenOnce(port, host);
    const picked = await pickedPort(host);
    if (picked !== undefined) {
      handedOut.add(picked);
      return picked;
    }
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
