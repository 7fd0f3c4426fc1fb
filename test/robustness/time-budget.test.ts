import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, tempDir, type Connected } from "../server/helpers.js";
import { generatedProject } from "./generate.js";

const FILES = 400;
let project: { dir: string; cleanup(): Promise<void> };
let conn: Connected | null = null;
const saved = process.env["PERSONA_MCP_TIME_BUDGET_MS"];

beforeAll(async () => {
  project = await tempDir(generatedProject(FILES));
});
afterAll(async () => {
  await project.cleanup();
});
afterEach(async () => {
  if (saved === undefined) delete process.env["PERSONA_MCP_TIME_BUDGET_MS"];
  else process.env["PERSONA_MCP_TIME_BUDGET_MS"] = saved;
  await conn?.close();
  conn = null;
});

async function scanFolder(c: Connected): Promise<CallToolResult> {
  return (await c.client.callTool({ name: "scan_anti_patterns", arguments: { path: ".", maxFindings: 1000 } })) as CallToolResult;
}

describe("the per-call time budget", () => {
  it("cuts a folder scan short and says so instead of failing", async () => {
    process.env["PERSONA_MCP_TIME_BUDGET_MS"] = "1";
    conn = await connect({ flagRoots: [project.dir] });
    const result = await scanFolder(conn);
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as { truncated: boolean; truncatedReason: string; summary: { filesScanned: number; findings: number } };
    expect(data.truncated).toBe(true);
    expect(data.truncatedReason).toMatch(/time budget/);
    expect(data.summary.filesScanned).toBeLessThan(FILES);
    // Every file it did scan is reported in full: one finding each.
    expect(data.summary.findings).toBe(data.summary.filesScanned);
    expect((result.content[0] as { text: string }).text).toContain(`Truncated: ${data.truncatedReason}.`);
  });

  it("cuts an audit short the same way", async () => {
    process.env["PERSONA_MCP_TIME_BUDGET_MS"] = "1";
    conn = await connect({ flagRoots: [project.dir] });
    const result = (await conn.client.callTool({ name: "audit_checklist", arguments: { path: "." } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as { summary: { truncatedReason: string | null; filesScanned: number } };
    expect(data.summary.truncatedReason).toMatch(/time budget/);
    expect(data.summary.filesScanned).toBeLessThan(FILES);
  });

  it("lets the whole folder through by default", async () => {
    delete process.env["PERSONA_MCP_TIME_BUDGET_MS"];
    conn = await connect({ flagRoots: [project.dir] });
    const data = (await scanFolder(conn)).structuredContent as { truncated: boolean; summary: { filesScanned: number } };
    expect(data.truncated).toBe(false);
    expect(data.summary.filesScanned).toBe(FILES);
  });

  it("refuses a malformed budget with a message saying how to fix it", async () => {
    process.env["PERSONA_MCP_TIME_BUDGET_MS"] = "30s";
    conn = await connect();
    const result = (await conn.client.callTool({ name: "scan_anti_patterns", arguments: { code: "x = 1\n" } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect((result.content[0] as { text: string }).text).toContain(
      'PERSONA_MCP_TIME_BUDGET_MS must be a positive whole number of milliseconds (e.g. 60000), got "30s"',
    );
  });
});
