import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ConnectionCounter = {
  /** `http://127.0.0.1:<port>`: point a provider's endpoint here instead of at the stand-in. */
  url: string;
  /** TCP connections opened so far by clients. */
  readonly connections: number;
  close(): Promise<void>;
};

/**
 * A TCP pass-through in front of a stand-in that counts client connections, to check that a
 * provider reuses keep-alive connections instead of opening one per message.
 */
export const startConnectionCounter = async (targetUrl: string): Promise<ConnectionCounter> => {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};
