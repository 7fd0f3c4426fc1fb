import { realpath } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { connect, tempDir, type Connected } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function realDir(): Promise<string> {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  return realpath(dir);
}

/** A client that declares roots and answers roots/list with whatever `current` holds at the time. */
async function connectWithRoots(
  current: { roots: string[]; fail?: boolean },
  opts: { flagRoots?: string[]; cwd: string },
): Promise<{ conn: Connected; calls: () => number }> {
  let calls = 0;
  const conn = await connect({
    ...opts,
    capabilities: { roots: { listChanged: true } },
    beforeConnect: (client) => {
      client.setRequestHandler(ListRootsRequestSchema, () => {
        calls++;
        if (current.fail) throw new Error("roots unavailable");
        return { roots: current.roots.map((dir) => ({ uri: pathToFileURL(dir).href, name: "workspace" })) };
      });
    },
  });
  cleanups.push(() => conn.close());
  return { conn, calls: () => calls };
}

describe("allowed roots", () => {
  it("uses the client's roots, asked for right after initialization", async () => {
    const [cwd, workspace] = [await realDir(), await realDir()];
    const { conn, calls } = await connectWithRoots({ roots: [workspace] }, { cwd });
    // A round trip guarantees the server has seen `initialized` and started asking, without polling.
    await conn.client.ping();
    const policy = await conn.context.getPolicy();
    expect(policy.source).toBe("client");
    expect(policy.roots).toEqual([workspace]);
    expect(calls()).toBe(1);
  });

  it("asks again when the client says its roots changed", async () => {
    const [cwd, first, second] = [await realDir(), await realDir(), await realDir()];
    const current = { roots: [first] };
    const { conn, calls } = await connectWithRoots(current, { cwd });
    await conn.client.ping();
    expect((await conn.context.getPolicy()).roots).toEqual([first]);

    current.roots = [second, first];
    await conn.client.sendRootsListChanged();
    await conn.client.ping();
    expect((await conn.context.getPolicy()).roots).toEqual([second, first]);
    expect(calls()).toBe(2);
  });

  it("lets --root flags win over the client's roots without asking the client", async () => {
    const [cwd, flagged, workspace] = [await realDir(), await realDir(), await realDir()];
    const current = { roots: [workspace] };
    const { conn, calls } = await connectWithRoots(current, { cwd, flagRoots: [flagged] });
    await conn.client.ping();
    await conn.client.sendRootsListChanged();
    await conn.client.ping();
    const policy = await conn.context.getPolicy();
    expect(policy.source).toBe("flag");
    expect(policy.roots).toEqual([flagged]);
    expect(calls()).toBe(0);
  });

  it("falls back to the working directory when the client has no roots capability", async () => {
    const cwd = await realDir();
    const conn = await connect({ cwd });
    cleanups.push(() => conn.close());
    await conn.client.ping();
    const policy = await conn.context.getPolicy();
    expect(policy.source).toBe("cwd");
    expect(policy.roots).toEqual([cwd]);
  });

  it("logs a failed roots/list to stderr and falls back to the working directory", async () => {
    const cwd = await realDir();
    const { conn } = await connectWithRoots({ roots: [], fail: true }, { cwd });
    await conn.client.ping();
    const policy = await conn.context.getPolicy();
    expect(policy.source).toBe("cwd");
    expect(policy.roots).toEqual([cwd]);
    expect(conn.logs).toContainEqual({
      level: "warn",
      msg: "could not use the client's roots (MCP error -32603: roots unavailable); falling back to the working directory",
    });
  });
});
