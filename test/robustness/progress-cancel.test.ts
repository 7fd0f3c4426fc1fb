import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { Parser, Tree } from "web-tree-sitter";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { connect, eventually, tempDir, type Connected } from "../server/helpers.js";
import { generatedProject, routeModule } from "./generate.js";

const FILES = 1_500;
let project: { dir: string; cleanup(): Promise<void> };
let conn: Connected | null = null;

beforeAll(async () => {
  project = await tempDir(generatedProject(FILES));
});
afterAll(async () => {
  await project.cleanup();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await conn?.close();
  conn = null;
});

function countTrees(): { parsed: () => number; deleted: () => number } {
  const parse = vi.spyOn(Parser.prototype, "parse");
  const del = vi.spyOn(Tree.prototype, "delete");
  return { parsed: () => parse.mock.calls.length, deleted: () => del.mock.calls.length };
}

describe("folder scans over a real client", () => {
  it("send progress as files done of total when the client asks, ending at the total", async () => {
    conn = await connect({ flagRoots: [project.dir] });
    const seen: Progress[] = [];
    const result = (await conn.client.callTool({ name: "scan_anti_patterns", arguments: { path: ".", maxFindings: 1 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    const data = result.structuredContent as { summary: { filesScanned: number; findings: number } };
    expect(data.summary.filesScanned).toBe(FILES);
    expect(data.summary.findings).toBe(FILES);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((p) => p.total === FILES)).toBe(true);
    expect(seen.at(-1)).toEqual({ progress: FILES, total: FILES, message: `${FILES} of ${FILES} files analysed` });
    const steps = seen.map((p) => p.progress);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(new Set(steps).size).toBe(steps.length);
  });

  it("audits send progress too, and stop when cancelled with every tree freed", async () => {
    conn = await connect({ flagRoots: [project.dir] });
    const seen: Progress[] = [];
    const result = (await conn.client.callTool({ name: "audit_checklist", arguments: { path: "." } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p),
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(seen.at(-1)).toEqual({ progress: FILES, total: FILES, message: `${FILES} of ${FILES} files analysed` });

    const trees = countTrees();
    const controller = new AbortController();
    const call = conn.client.callTool({ name: "audit_checklist", arguments: { path: "." } }, CallToolResultSchema, {
      signal: controller.signal,
      onprogress: () => controller.abort("stop"),
    });
    await expect(call).rejects.toThrow("stop");
    await eventually(() => expect(trees.deleted()).toBe(trees.parsed()), 5_000);
    expect(trees.parsed()).toBeLessThan(FILES / 2);
    await conn.client.ping();
  });

  it("send no progress when the client does not ask", async () => {
    conn = await connect({ flagRoots: [project.dir] });
    const notifications: string[] = [];
    conn.client.fallbackNotificationHandler = async (n) => {
      notifications.push(n.method);
    };
    await conn.client.callTool({ name: "scan_anti_patterns", arguments: { path: ".", maxFindings: 1 } });
    expect(notifications).toEqual([]);
  });

  it("stop promptly when cancelled, free every tree, and answer the next call; 20 times over", async () => {
    conn = await connect({ flagRoots: [project.dir] });
    const trees = countTrees();
    for (let round = 0; round < 20; round++) {
      const controller = new AbortController();
      const before = trees.parsed();
      let abortedAt = 0;
      const call = conn.client.callTool({ name: "scan_anti_patterns", arguments: { path: "." } }, CallToolResultSchema, {
        signal: controller.signal,
        // Cancel as soon as the server reports that parsing is under way.
        onprogress: () => {
          if (abortedAt === 0) {
            abortedAt = Date.now();
            controller.abort("user pressed stop");
          }
        },
      });
      await expect(call).rejects.toThrow("user pressed stop");
      expect(Date.now() - abortedAt).toBeLessThan(200);
      // The server stops within a few files of the cancellation and deletes every tree it made.
      await eventually(() => expect(trees.deleted()).toBe(trees.parsed()), 5_000);
      expect(trees.parsed() - before).toBeLessThan(FILES / 2);
    }
    // Still answering, with the right result.
    const after = (await conn.client.callTool({ name: "scan_anti_patterns", arguments: { code: routeModule(7) } })) as CallToolResult;
    expect((after.structuredContent as { findings: { line: number; rule: string }[] }).findings.map((f) => `${f.line} ${f.rule}`)).toEqual([
      "9 FAPI004",
    ]);
    expect(trees.deleted()).toBe(trees.parsed());
    await conn.client.ping();
  });
});
