import { createServer } from "node:net";

function bindable(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : null));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for a server started right away. */
export async function freePort(): Promise<number> {
  const port = await bindable(0);
  if (port === null) throw new Error("no free port");
  return port;
}

/**
 * A free port below the system's ephemeral range (32768 and up on Linux), for a server that
 * starts only later: the system never hands such a port to a socket that asks for any port,
 * so no other server of the run can take it in the meantime.
 */
export async function reservedPort(taken: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.includes(port) && (await bindable(port)) !== null) return port;
  }
  throw new Error("no free port between 20000 and 32000");
}
