import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { createServer, type CreateServerOptions } from "../../src/server/create-server.js";
import type { LogLevel, ServerContext } from "../../src/server/context.js";

export interface Connected {
  client: Client;
  context: ServerContext;
  logs: { level: LogLevel; msg: string }[];
  close(): Promise<void>;
}

/**
 * A real SDK client linked in memory to a server built by createServer. `beforeConnect` lets a test install
 * client request handlers (e.g. roots/list) before the handshake.
 */
export async function connect(
  opts: Partial<CreateServerOptions> & {
    capabilities?: ClientCapabilities;
    beforeConnect?: (client: Client) => void;
  } = {},
): Promise<Connected> {
  const logs: Connected["logs"] = [];
  const { server, context } = await createServer({
    personaDirs: opts.personaDirs ?? [],
    flagRoots: opts.flagRoots ?? [],
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.bundled === undefined ? {} : { bundled: opts.bundled }),
    log: (level, msg) => logs.push({ level, msg }),
  });
  const client = new Client({ name: "test-client", version: "1.0.0" }, { capabilities: opts.capabilities ?? {} });
  opts.beforeConnect?.(client);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    context,
    logs,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** A temporary folder with the given files (relative path -> content); removed by the returned cleanup. */
export async function tempDir(files: Record<string, string> = {}): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "persona-mcp-test-"));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Waits until `check` passes (the server reacts to notifications asynchronously). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() - start > timeoutMs) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
