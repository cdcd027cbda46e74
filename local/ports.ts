/** Free-port helper for parts that need a concrete port before they start (DynamoDB Local's java). */
import net from 'node:net';

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves `0` to a free port; other values pass through. */
export async function concretePort(port: number): Promise<number> {
  return port === 0 ? freePort() : port;
}
