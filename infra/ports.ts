import net from 'node:net';

/** A port the OS says is free now; 0 in configuration means "pick one" (tests run beside a running engine). */
export async function portOrFree(port: number): Promise<number> {
  if (port !== 0) return port;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
}
