// Free TCP ports on 127.0.0.1, for servers that must be told their port before they start (a broker of
// a test cluster, a throwaway MariaDB, lab 04's leaves, the Temporal SDK's metrics exporter).
import { createServer } from 'node:net';

/** `count` distinct ports free right now (held together while asked, so none is handed out twice). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export const freePort = async (): Promise<number> => (await freePorts(1))[0]!;
